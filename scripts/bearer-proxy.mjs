// A loopback reverse proxy that adds `Authorization: Bearer $TOKEN` to every
// request it forwards, for tools that cannot send one themselves (the MCP
// conformance suite). Headers are passed on as received — Host and Origin
// included, so the server's DNS-rebinding checks see what the client sent —
// and responses (SSE streams too) are piped back unbuffered.
//
// Usage: TOKEN=... node scripts/bearer-proxy.mjs LISTEN_PORT TARGET_PORT
import http from "node:http";

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
const token = process.env.TOKEN;
if (!listenPort || !targetPort || !token) {
  console.error("usage: TOKEN=... node bearer-proxy.mjs LISTEN_PORT TARGET_PORT");
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const headers = { ...req.headers };
  if (!headers.authorization) headers.authorization = `Bearer ${token}`;
  const upstream = http.request(
    { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end(`proxy: ${error.message}`);
  });
  req.pipe(upstream);
  res.on("close", () => upstream.destroy());
});
server.listen(listenPort, "127.0.0.1", () => console.log(`bearer proxy on ${listenPort} -> ${targetPort}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
