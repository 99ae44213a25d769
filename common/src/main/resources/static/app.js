'use strict';
/*
 * The page's only script: plain JavaScript, no build step, no library. It is one more client of
 * the HTTP API (see the README's table): it logs in with POST /api/auth/login and sends the token
 * as "Authorization: Bearer ..." on every request that acts as the user.
 *
 * New tweets reach the feed through an update source, chosen from GET /api/info:
 *   - pollingSource: reads the first page of the feed every POLL_MS (every step);
 *   - liveSource: a WebSocket at info.live_feed, when the step names one (step 6, once it has live
 *     delivery); it falls back to polling while the socket is down.
 * A source is {describe, start(), stop()}; the page never cares which one runs.
 *
 * What the live source expects of the server (the step 6 side of the contract):
 *   - GET info.live_feed?access_token=<the login's token> upgrades to a WebSocket (a browser's
 *     WebSocket cannot send an Authorization header; common's resolver accepts the token there);
 *   - text frames, one JSON object each, snake_case like the rest of the API:
 *       {"type": "ready"}
 *           first: from now on every change of this reader's feed is pushed (the page reads its
 *           first page once more, for what happened while it was not connected);
 *       {"type": "tweet", "tweet": {"id", "user_id", "username", "content", "created_at"}}
 *           a tweet entered this reader's feed; "tweet" is exactly a feed item of GET /api/feed/
 *       {"type": "deleted", "tweet_id": 123}
 *           a tweet left it;
 *       {"type": "refresh"}
 *           it changed as a whole (the backfill of a follow, or the purge of an unfollow, is done):
 *           the page reads it again, as a poll would;
 *   - the page shows each live tweet's delivery lag: now minus its created_at.
 */

const PAGE_SIZE = 20;
const POLL_MS = 3000;
const LIVE_RETRY_MS = 5000;
const MAX_CODE_POINTS = 280;
const SESSION_KEY = 'twitter-arch.session';

const $ = (id) => document.getElementById(id);

/** {token, userId, username, expiresAt}; in sessionStorage, so each tab can be someone else. */
let session = loadSession();
let info = null;
let updates = null;
let expiryTimer = null;
/** What the feed shows, newest first (feed items as the API gives them), and the cursor after the last one. */
// generation: bumped by every read the user causes (refresh, older, follow, unfollow ...); a poll's
// answer that arrives after such a read started (a poll in flight during an unfollow, say) is
// dropped instead of painting an older state; a poll never cancels the user's read
const feed = { items: [], nextCursor: null, olderPagesRead: false, generation: 0 };

// ---------------------------------------------------------------------------------------------
// The API

class ApiError extends Error {
  constructor(status, detail, retryAfter) {
    super(detail);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * One API call; resolves to the JSON body (null when there is none), rejects with an ApiError
 * carrying the problem detail the API sends with every error. {auth: false} sends no token: for
 * the public reads, which must keep working when a token has just expired.
 */
async function api(method, path, body, { auth = true } = {}) {
  const headers = { Accept: 'application/json' };
  const request = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    request.body = JSON.stringify(body);
  }
  if (auth && session) {
    headers.Authorization = 'Bearer ' + session.token;
  }
  let response;
  try {
    response = await fetch(path, request);
  } catch (e) {
    throw new ApiError(0, 'the server did not answer (' + e.message + ')');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    const detail = (json && json.detail) || response.status + ' ' + response.statusText;
    if (response.status === 401 && auth && session) {
      endSession('You were logged out: ' + detail);
    }
    throw new ApiError(response.status, detail, response.headers.get('Retry-After'));
  }
  return json;
}

// ---------------------------------------------------------------------------------------------
// Messages

function say(text, { error = false } = {}) {
  const message = $('message');
  message.textContent = text;
  message.classList.toggle('error', error);
  message.hidden = !text;
}

function sayError(e) {
  let text = e.message;
  if (e.status === 429 && e.retryAfter) {
    text += ' (try again in ' + e.retryAfter + ' s)';
  }
  say(text, { error: true });
}

/** Runs an action of a button or form: its error, if any, is shown, never thrown away. */
function action(run) {
  return async (event) => {
    if (event) {
      event.preventDefault();
    }
    try {
      await run(event);
    } catch (e) {
      sayError(e);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Session

function loadSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch (e) {
    return null;
  }
}

async function logIn(username, password) {
  const token = await api('POST', '/api/auth/login', { username, password }, { auth: false });
  session = {
    token: token.access_token,
    userId: token.user_id,
    username: token.username,
    expiresAt: Date.now() + token.expires_in * 1000,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  say('');
  await showSignedIn();
}

function endSession(message) {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  clearTimeout(expiryTimer);
  if (updates) {
    updates.stop();
    updates = null;
  }
  feed.items = [];
  feed.nextCursor = null;
  feed.olderPagesRead = false;
  showSignedOut();
  say(message || '', { error: Boolean(message) });
}

function showSignedOut() {
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
}

async function showSignedIn() {
  $('signed-out').hidden = true;
  $('signed-in').hidden = false;
  $('me-name').textContent = '@' + session.username;
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('Your login expired: log in again.'), session.expiresAt - Date.now());
  await Promise.all([reloadFeed(), refreshCounts()]);
  updates = info && info.live_feed ? liveSource(info.live_feed) : pollingSource();
  $('updates').textContent = 'New tweets: ' + updates.describe;
  updates.start();
}

async function refreshCounts() {
  const me = await api('GET', '/api/users/' + session.userId, undefined, { auth: false });
  $('me-counts').textContent = '· following ' + me.following_count + ' · ' + me.followers_count + ' followers';
}

// ---------------------------------------------------------------------------------------------
// The feed

function render(freshIds = new Set()) {
  const template = $('tweet-template');
  $('feed').replaceChildren(...feed.items.map((tweet) => {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.tweetId = tweet.id;
    item.querySelector('.author').textContent = '@' + tweet.username;
    const time = item.querySelector('time');
    time.dateTime = tweet.created_at;
    time.textContent = new Date(tweet.created_at).toLocaleString();
    if (tweet.lagMillis !== undefined) {
      item.querySelector('.lag').textContent = '· arrived ' + tweet.lagMillis + ' ms after it was posted';
    }
    // textContent, never innerHTML: a tweet is text, whatever markup it contains
    item.querySelector('.content').textContent = tweet.content;
    const remove = item.querySelector('.delete');
    remove.hidden = tweet.user_id !== session.userId;
    remove.addEventListener('click', action(() => deleteTweet(tweet.id)));
    if (freshIds.has(tweet.id)) {
      item.classList.add('fresh');
    }
    return item;
  }));
  $('feed-empty').hidden = feed.items.length > 0;
  $('older').hidden = !feed.nextCursor;
}

function feedPath(before) {
  return '/api/feed/?limit=' + PAGE_SIZE + (before ? '&before=' + encodeURIComponent(before) : '');
}

/** Reads the first page again, dropping any older pages read: what Refresh and the page's own actions do. */
async function reloadFeed(byPoll = false) {
  const generation = byPoll ? feed.generation : ++feed.generation;
  const page = await api('GET', feedPath(null));
  if (!session || generation !== feed.generation) {
    return;
  }
  const newestShown = feed.items.length ? feed.items[0].id : 0;
  const lags = new Map(feed.items.filter((t) => t.lagMillis !== undefined).map((t) => [t.id, t.lagMillis]));
  feed.items = page.items.map((t) => (lags.has(t.id) ? { ...t, lagMillis: lags.get(t.id) } : t));
  feed.nextCursor = page.next_cursor;
  feed.olderPagesRead = false;
  // ids are time-ordered 53-bit integers: they compare exactly as JavaScript numbers
  render(new Set(page.items.filter((tweet) => newestShown && tweet.id > newestShown).map((tweet) => tweet.id)));
}

/**
 * What a poll does: with only the first page on screen, read it again (new tweets on top, deleted
 * ones gone); once older pages were read, only put the new tweets on top, so the reader keeps their
 * place (a follow's older tweets or a deletion further down show at the next Refresh).
 */
async function updateFeed() {
  if (!feed.olderPagesRead) {
    return reloadFeed(true);
  }
  const generation = feed.generation;
  const page = await api('GET', feedPath(null));
  if (generation !== feed.generation) {
    return;
  }
  const newestShown = feed.items.length ? feed.items[0].id : 0;
  const newer = page.items.filter((tweet) => tweet.id > newestShown);
  feed.items = newer.concat(feed.items);
  render(new Set(newer.map((tweet) => tweet.id)));
}

async function loadOlder() {
  const generation = ++feed.generation;
  const page = await api('GET', feedPath(feed.nextCursor));
  if (generation !== feed.generation) {
    return;
  }
  const shown = new Set(feed.items.map((tweet) => tweet.id));
  feed.items = feed.items.concat(page.items.filter((tweet) => !shown.has(tweet.id)));
  feed.nextCursor = page.next_cursor;
  feed.olderPagesRead = true;
  render();
}

async function deleteTweet(id) {
  await api('DELETE', '/api/tweets/' + id);
  feed.generation++; // a poll that left before the delete must not paint the tweet again
  feed.items = feed.items.filter((tweet) => tweet.id !== id);
  render();
  say('Tweet deleted.');
}

// ---------------------------------------------------------------------------------------------
// Update sources

/** Every step: the first page again every POLL_MS. */
function pollingSource(why = 'this step has no live delivery') {
  let timer = null;
  let running = false;
  const tick = async () => {
    try {
      await Promise.all([updateFeed(), refreshCounts()]);
    } catch (e) {
      if (e.status !== 401) {
        sayError(e);
      }
    }
    if (running) {
      timer = setTimeout(tick, POLL_MS);
    }
  };
  return {
    describe: why + ', so the page polls the feed every ' + POLL_MS / 1000 + ' s.',
    start() {
      running = true;
      timer = setTimeout(tick, POLL_MS);
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}

/** A step with live delivery: tweets pushed over a WebSocket, polling only while it is down. */
function liveSource(path) {
  let socket = null;
  let fallback = null;
  let retry = null;
  let stopped = false;

  const connect = () => {
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', session.token);
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      if (fallback) {
        fallback.stop();
        fallback = null;
      }
      $('updates').textContent = 'New tweets: live over a WebSocket (' + path + '); each shows its delivery lag.';
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (message.type === 'ready') {
        updateFeed().catch(sayError); // what arrived while the socket was down; from now on every change is pushed
      } else if (message.type === 'tweet' && message.tweet) {
        arrived(message.tweet);
      } else if (message.type === 'refresh') {
        updateFeed().catch(sayError); // a follow's backfill or an unfollow's purge has reached the feed
      } else if (message.type === 'deleted') {
        feed.items = feed.items.filter((tweet) => tweet.id !== message.tweet_id);
        render();
      }
    });
    socket.addEventListener('close', () => {
      if (stopped || !session) {
        return;
      }
      if (!fallback) {
        fallback = pollingSource('live delivery is down (reconnecting every ' + LIVE_RETRY_MS / 1000 + ' s)');
        $('updates').textContent = 'New tweets: ' + fallback.describe;
        fallback.start();
      }
      retry = setTimeout(connect, LIVE_RETRY_MS);
    });
  };

  const arrived = (tweet) => {
    if (feed.items.some((shown) => shown.id === tweet.id)) {
      return;
    }
    const oldestShown = feed.items.length ? feed.items[feed.items.length - 1].id : 0;
    if (feed.nextCursor && tweet.id < oldestShown) {
      return; // it belongs to a page not read yet ("Older tweets" brings it)
    }
    const lagMillis = Math.max(0, Date.now() - Date.parse(tweet.created_at));
    feed.items = [{ ...tweet, lagMillis }].concat(feed.items).sort((a, b) => b.id - a.id);
    render(new Set([tweet.id]));
  };

  return {
    describe: 'live over a WebSocket (' + path + '); each shows its delivery lag.',
    start() {
      stopped = false;
      connect();
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
      if (fallback) {
        fallback.stop();
      }
      if (socket) {
        socket.close();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Wiring

function countCodePoints() {
  const n = [...$('post-content').value].length;
  $('post-count').textContent = n + ' / ' + MAX_CODE_POINTS;
  $('post-count').classList.toggle('error', n > MAX_CODE_POINTS);
}

async function start() {
  try {
    info = await api('GET', '/api/info', undefined, { auth: false });
    const limits = Object.entries(info.rate_limits || {})
      .map(([what, limit]) => 'at most ' + limit.requests + ' ' + what + ' per ' + limit.per_seconds + ' s');
    $('served-by').textContent = 'Served by ' + info.step + ' · feed built by ' + info.feed_strategy
      + (limits.length ? ' · ' + limits.join(', ') : '');
    $('updates').textContent = 'New tweets: ' + (info.live_feed
      ? 'live over a WebSocket (' + info.live_feed + ') once you log in.'
      : 'this step has no live delivery, so the page polls the feed every ' + POLL_MS / 1000 + ' s.');
  } catch (e) {
    $('served-by').textContent = 'The server did not say which step it is: ' + e.message;
  }

  $('login-form').addEventListener('submit', action(async (event) => {
    const form = event.target;
    await logIn(form.username.value.trim(), form.password.value);
    form.reset();
  }));
  $('signup-form').addEventListener('submit', action(async (event) => {
    const form = event.target;
    const username = form.username.value.trim();
    await api('POST', '/api/users/', { username, email: form.email.value.trim(), password: form.password.value },
      { auth: false });
    await logIn(username, form.password.value);
    form.reset();
    say('Welcome, @' + username + '.');
  }));
  $('logout').addEventListener('click', () => endSession(''));
  $('post-content').addEventListener('input', countCodePoints);
  $('post-form').addEventListener('submit', action(async () => {
    const tweet = await api('POST', '/api/tweets/', { content: $('post-content').value });
    $('post-content').value = '';
    countCodePoints();
    await reloadFeed();
    say('Posted (tweet ' + tweet.id + ').');
  }));
  $('follow-form').addEventListener('submit', action(async (event) => {
    const name = $('follow-username').value.trim();
    const user = await api('GET', '/api/users/by-username/' + encodeURIComponent(name), undefined, { auth: false });
    if (event.submitter && event.submitter.value === 'unfollow') {
      await api('DELETE', '/api/subscriptions/unfollow/' + user.id);
      say('You no longer follow @' + user.username + '.');
    } else {
      const follow = await api('POST', '/api/subscriptions/follow', { followee_id: user.id });
      say(follow.created ? 'You follow @' + user.username + ' now.' : 'You already follow @' + user.username + '.');
    }
    $('follow-username').value = '';
    await Promise.all([reloadFeed(), refreshCounts()]);
  }));
  $('refresh').addEventListener('click', action(() => reloadFeed()));
  $('older').addEventListener('click', action(loadOlder));

  if (session) {
    try {
      await showSignedIn();
    } catch (e) {
      sayError(e);
    }
  } else {
    showSignedOut();
  }
}

start();
