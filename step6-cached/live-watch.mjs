// Watches one reader's live feed (GET /api/feed/live, a WebSocket) the way the page does, and
// prints each pushed tweet's delivery lag: the time from its created_at to its arrival here.
//
//   node live-watch.mjs BASE_URL TOKEN COUNT [TIMEOUT_SECONDS]
//
// (Node.js 22 has WebSocket built in; Node.js 20 needs --experimental-websocket.) Prints "ready"
// once the server has bound the reader's events, one line per tweet, then a summary line
// "lag ms: n=... p50=... p99=... max=..." after COUNT tweets; exits 1 if they do not come in time.
const [base, token, countArg, timeoutArg = '60'] = process.argv.slice(2);
if (!base || !token || !countArg) {
  console.error('usage: node live-watch.mjs BASE_URL TOKEN COUNT [TIMEOUT_SECONDS]');
  process.exit(2);
}
const count = Number(countArg);
const url = new URL('/api/feed/live', base);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
url.searchParams.set('access_token', token); // a browser's WebSocket cannot send headers: the token goes here
const lags = [];
const socket = new WebSocket(url);
const timer = setTimeout(() => {
  console.error(`only ${lags.length} of ${count} tweets arrived within ${timeoutArg} s`);
  process.exit(1);
}, Number(timeoutArg) * 1000);
socket.addEventListener('error', () => {
  console.error('the WebSocket could not be opened (is the server step 6, and the token valid?)');
  process.exit(1);
});
socket.addEventListener('message', (event) => {
  const frame = JSON.parse(event.data);
  if (frame.type === 'ready') {
    console.log('ready');
  } else if (frame.type === 'tweet') {
    const lag = Math.max(0, Date.now() - Date.parse(frame.tweet.created_at));
    lags.push(lag);
    console.log(`tweet ${frame.tweet.id} by @${frame.tweet.username} arrived ${lag} ms after it was posted`);
    if (lags.length === count) {
      const sorted = [...lags].sort((a, b) => a - b);
      const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
      console.log(`lag ms: n=${sorted.length} p50=${at(0.5)} p99=${at(0.99)} max=${sorted[sorted.length - 1]}`);
      clearTimeout(timer);
      socket.close();
      process.exit(0);
    }
  }
});
