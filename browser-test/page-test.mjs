// The page every step serves at /, in a real browser: Debian's Chromium driven by playwright-core
// (which never downloads a browser). Two users sign up in two tabs; A follows B; B posts; A's page
// shows the tweet without a click (polled, or pushed live where the step has live delivery). Then
// markup in a tweet stays text, paging, delete, unfollow, log out and in. Screenshots go to OUT_DIR.
//
//   node page-test.mjs BASE_URL OUT_DIR [EXPECTED_STEP] [poll|live]
//
// Exits 0 when every check passed, 1 with the failed check (and a screenshot) otherwise.
// Only loopback traffic: every request to another host is aborted.
import { chromium } from 'playwright-core';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [base, outDir, expectedStep = '', mode = 'poll'] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: node page-test.mjs BASE_URL OUT_DIR [EXPECTED_STEP] [poll|live]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const run = Date.now().toString(36);
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

await mkdir(outDir, { recursive: true });
const userDataDir = await mkdtemp(path.join(tmpdir(), 'twitter-arch-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 900, height: 1100 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
});
await context.route('**/*', (route) => {
  const host = new URL(route.request().url()).hostname;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(host) ? route.continue() : route.abort();
});

const pageErrors = [];
async function newTab(name) {
  // one tab each: the page keeps its login in sessionStorage, which is per tab
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  page.setDefaultTimeout(15_000);
  return page;
}

function check(condition, what) {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

const tweetIn = (page, text) => page.locator('#feed .tweet', { hasText: text });

async function signUp(page, username) {
  await page.goto(base + '/');
  await page.locator('#served-by', { hasText: 'Served by' }).waitFor();
  const form = page.locator('#signup-form');
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('E-mail').fill(`${username}@example.org`);
  await form.getByLabel('Password').fill(`password of ${username}`);
  await form.getByRole('button', { name: 'Sign up and log in' }).click();
  await page.locator('#me-name', { hasText: '@' + username }).waitFor();
  log(`${username} signed up and is logged in`);
}

async function post(page, text) {
  await page.locator('#post-content').fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await tweetIn(page, text).waitFor(); // read-your-writes: the author sees it at once
}

async function followForm(page, username, button) {
  await page.locator('#follow-username').fill(username);
  await page.getByRole('button', { name: button, exact: true }).click();
}

let a;
try {
  const alice = `alice_${run}`;
  const bob = `bob_${run}`;
  a = await newTab('A');
  const b = await newTab('B');

  await a.goto(base + '/');
  const servedBy = await a.locator('#served-by', { hasText: 'Served by' }).textContent();
  log(`the page says: "${servedBy}"`);
  check(!expectedStep || servedBy.includes(expectedStep), `the page names the step ${expectedStep}`);
  await a.screenshot({ path: path.join(outDir, 'signed-out.png'), fullPage: true });

  await signUp(a, alice);
  await signUp(b, bob);
  const updates = await a.locator('#updates').textContent();
  log(`updates: "${updates}"`);
  check(mode === 'live' ? updates.includes('live') : updates.includes('polls the feed every'),
    `the page says how new tweets arrive (${mode})`);

  await followForm(a, bob.toUpperCase(), 'Follow'); // usernames match in any case
  await a.locator('#message', { hasText: `You follow @${bob} now` }).waitFor();
  log(`${alice} follows ${bob}`);

  const hello = `hello from bob ${run}`;
  const posted = Date.now();
  await post(b, hello);
  // no click on A's page: it must find the tweet by itself (poll every 3 s, or pushed)
  await tweetIn(a, hello).waitFor({ timeout: mode === 'live' ? 5_000 : 15_000 });
  log(`A's page showed B's tweet ${Date.now() - posted} ms after B posted it (${mode})`);
  if (mode === 'live') {
    await tweetIn(a, hello).locator('.lag', { hasText: 'arrived' }).waitFor();
  }

  const markup = `<b>not bold</b> <img src=x onerror="document.title='pwned'"> ${run}`;
  await post(b, markup);
  await tweetIn(a, markup).waitFor();
  check(await a.locator('#feed b, #feed img').count() === 0, 'markup in a tweet is shown as text, never rendered');
  check(await a.title() !== 'pwned', 'no script of a tweet ran');
  await a.screenshot({ path: path.join(outDir, 'feed-of-a.png'), fullPage: true });
  await b.screenshot({ path: path.join(outDir, 'feed-of-b.png'), fullPage: true });
  log('screenshots of both feeds taken');

  // paging: 21 more tweets by B through the API (B's own token), then A reads page by page
  const token = await b.evaluate(() => JSON.parse(sessionStorage.getItem('twitter-arch.session')).token);
  for (let i = 0; i < 21; i++) {
    const response = await fetch(base + '/api/tweets/', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: `paging ${i} ${run}` }),
    });
    check(response.status === 201, `B's tweet ${i} through the API: 201, was ${response.status}`);
  }
  await a.getByRole('button', { name: 'Refresh' }).click();
  await tweetIn(a, `paging 20 ${run}`).waitFor();
  // live, the tweets may all be on screen already, pushed one by one: the refresh leaves the first page
  await a.waitForFunction(() => document.querySelectorAll('#feed .tweet').length === 20, null, { timeout: 10_000 })
    .catch(() => {});
  check(await a.locator('#feed .tweet').count() === 20, 'the first page holds 20 tweets');
  check(await tweetIn(a, hello).count() === 0, 'the oldest tweets are not on the first page');
  await a.getByRole('button', { name: 'Older tweets' }).click();
  await tweetIn(a, hello).waitFor();
  check(await a.locator('#feed .tweet').count() === 23, 'the second page brings the other 3 tweets');
  check(await a.getByRole('button', { name: 'Older tweets' }).isHidden(), 'no more pages after the last');
  log('paged through 23 tweets with the cursor');

  const own = `alice's own ${run}`;
  await post(a, own);
  check(await tweetIn(a, `paging 20 ${run}`).locator('.delete').isHidden(), 'no Delete button on a tweet of someone else');
  check(await tweetIn(a, own).locator('.delete').isVisible(), 'a Delete button on her own tweet');
  await tweetIn(a, own).getByRole('button', { name: 'Delete' }).click();
  await a.locator('#message', { hasText: 'Tweet deleted' }).waitFor();
  await tweetIn(a, own).waitFor({ state: 'detached' });
  log('A deleted her own tweet');

  await followForm(a, bob, 'Unfollow');
  await a.locator('#message', { hasText: `You no longer follow @${bob}` }).waitFor();
  await tweetIn(a, hello).waitFor({ state: 'detached' });
  // a poll that left before the unfollow may still paint the old first page once; the next one is empty
  await a.locator('#feed .tweet').first().waitFor({ state: 'detached', timeout: 10_000 });
  check(await a.locator('#feed .tweet').count() === 0, "A's feed is empty after the unfollow");
  log(`${alice} unfollowed ${bob}; his tweets left her feed`);

  await a.getByRole('button', { name: 'Log out' }).click();
  await a.locator('#login-form').waitFor();
  const login = a.locator('#login-form');
  await login.getByLabel('Username').fill(alice);
  await login.getByLabel('Password').fill('wrong password');
  await login.getByRole('button', { name: 'Log in' }).click();
  await a.locator('#message.error', { hasText: 'wrong username or password' }).waitFor();
  await login.getByLabel('Password').fill(`password of ${alice}`);
  await login.getByRole('button', { name: 'Log in' }).click();
  await a.locator('#me-name', { hasText: '@' + alice }).waitFor();
  log('logged out, refused a wrong password, logged in again');

  check(pageErrors.length === 0, `no script errors on the page: ${pageErrors.join('; ')}`);
  console.log('PASSED: the page works on ' + (expectedStep || base));
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
} catch (error) {
  console.error(`FAILED: ${error.message}`);
  if (pageErrors.length) {
    console.error(`script errors on the page: ${pageErrors.join('; ')}`);
  }
  if (a) {
    await a.screenshot({ path: path.join(outDir, 'failure-a.png'), fullPage: true }).catch(() => {});
  }
  await context.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true });
  process.exit(1);
}
