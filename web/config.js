// Deployment settings of the checkout pages. apiBase is the `api` function's
// URL in production; on 127.0.0.1/localhost the pages use the local stack
// (http://127.0.0.1:8081, or ?api=... on the checkout link) instead.
window.IC_CONFIG = {
  apiBase: "https://asia-northeast3-imageconverter.cloudfunctions.net/api",
};
