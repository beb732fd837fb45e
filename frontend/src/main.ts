// The drop guard comes first: from the very first moment, a drop on the
// window is the app's and never replaces the page (lib/drop.svelte.ts).
import "./lib/drop.svelte";
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

const app = mount(App, { target: document.getElementById("app")! });

export default app;
