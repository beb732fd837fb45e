// A TCP proxy that a test can unplug: the app under test reaches the local
// API through it, and POST /down on the control port closes it (the app then
// finds the service gone, as when the backend is stopped or the network is
// down); POST /up opens it again.
//   node tests/e2e/netproxy.mjs LISTEN_PORT TARGET_HOST:PORT CONTROL_PORT
import http from "node:http";
import net from "node:net";

const [listenPort, target, controlPort] = process.argv.slice(2);
const [targetHost, targetPort] = target.split(":");
let server = null;
const sockets = new Set();

function up() {
  if (server) return Promise.resolve();
  server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => server.listen(Number(listenPort), "127.0.0.1", resolve));
}

function down() {
  if (!server) return Promise.resolve();
  const s = server;
  server = null;
  for (const sock of sockets) sock.destroy();
  return new Promise((resolve) => s.close(() => resolve()));
}

await up();
http
  .createServer(async (req, res) => {
    if (req.method === "POST" && req.url === "/down") await down();
    else if (req.method === "POST" && req.url === "/up") await up();
    res.end(server ? "up" : "down");
  })
  .listen(Number(controlPort), "127.0.0.1");
