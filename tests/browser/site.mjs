// tidings' site in a real browser: Debian's Chromium, headless, driven by
// playwright-core, with axe-core run in every page checked.
//
// usage: node site.mjs BASE_URL      (a `tidings serve` holding articles)
// env:   CHROMIUM=/usr/bin/chromium
// Prints one line per check; exits non-zero when any check fails.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.argv[2];
if (!BASE) {
  console.error("usage: node site.mjs BASE_URL");
  process.exit(2);
}

const failures = [];
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// Zero serious or critical axe violations on the page as it stands.
async function accessible(page, what) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(
    bad.length === 0,
    `${what}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`).join("; ")}`,
  );
  return result.violations.length;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
// axe is injected as an inline script, which the site's CSP forbids.
const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
let articleHref = null;
let storyHref = null;
let bodyWord = null;
let articleTitle = null;

await check("front page lists top stories and latest articles; no serious a11y violations", async () => {
  const response = await page.goto(BASE + "/");
  assert(response.ok(), `status ${response.status()}`);
  const headings = await page.locator("h1, h2").allTextContents();
  assert(headings.some((h) => /top stories/i.test(h)), `no Top stories heading in ${headings}`);
  const stories = await page.locator('a[href^="/stories/"]').count();
  assert(stories > 0, "no story links");
  storyHref = await page.locator('a[href^="/stories/"]').first().getAttribute("href");
  assert((await page.locator('a[href^="/articles/"]').count()) > 5, "few article links");
  await accessible(page, "front page");
});

await check("article page: headline, source, relative time, body, highlights, ask box, both related lists", async () => {
  // The first article of a story whose page has both lists.
  const hrefs = await page.locator('a[href^="/articles/"]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")))]);
  for (const href of hrefs.slice(0, 40)) {
    await page.goto(BASE + href);
    const more = await page.locator("#more-on-story").count();
    const related = await page.locator("#related-articles").count();
    if (more && related) {
      articleHref = href;
      break;
    }
  }
  assert(articleHref, "no article page among the first 40 shows both More on this story and Related articles");
  articleTitle = (await page.locator("h1.headline").textContent()).trim();
  assert(articleTitle.length > 0, "empty headline");
  assert((await page.locator("header a.source").count()) === 1, "no source link");
  const time = page.locator("header time");
  assert(/ago|just now/i.test(await time.textContent()), "no relative time");
  assert(/^\d{4}-\d\d-\d\dT/.test(await time.getAttribute("datetime")), "no machine-readable time");
  assert((await time.getAttribute("title")).length > 0, "no exact-time tooltip");
  const body = (await page.locator(".body").textContent()).trim();
  assert(body.length > 200, `body too short: ${body.length}`);
  bodyWord = body
    .split(/\W+/)
    .filter((w) => w.length >= 6)
    .sort((a, b) => b.length - a.length)[0];
  assert((await page.locator(".highlights li").count()) >= 1, "no highlights");
  assert((await page.locator("#more-on-story ~ ol li, #more-on-story + ol li").count()) > 0, "empty More on this story");
  const relatedItem = page.locator("#related-articles").locator("xpath=..").locator("li").first();
  assert(/ago|just now/.test(await relatedItem.textContent()), "related item without its time");
  await accessible(page, "article page");
});

await check("the ask box answers by keyboard with cited sentences", async () => {
  await page.goto(BASE + articleHref);
  await page.locator("#ask-q").focus();
  await page.keyboard.type(bodyWord);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\?q=/);
  const answer = page.locator(".answer");
  assert((await answer.count()) === 1, "no answer shown");
  const cites = await answer.locator("cite a").count();
  assert(cites >= 1, "an answer without citations");
  await accessible(page, "article page with an answer");
});

await check("story page: full coverage with highlights from outlets", async () => {
  const response = await page.goto(BASE + storyHref);
  assert(response.ok(), `status ${response.status()}`);
  assert(/full coverage/i.test(await page.locator(".kicker").textContent()), "no Full coverage kicker");
  assert((await page.locator("ol.cards li").count()) >= 2, "fewer than two entries");
  const cited = await page.locator(".highlights li cite a").count();
  assert(cited >= 1, "no story highlights citing their outlet");
  await accessible(page, "story page");
});

await check("search finds the article by a word of its body", async () => {
  await page.goto(BASE + "/search?q=" + encodeURIComponent(bodyWord));
  const titles = await page.locator("ol.cards .headline").allTextContents();
  assert(titles.length > 0, `no hits for ${bodyWord}`);
  assert((await page.locator("mark").count()) > 0, "no highlighted match");
  await accessible(page, "search page");
});

await check("a visitor signs up and comments; hostile comments run nothing in the browser", async () => {
  const reader = await browser.newContext({ bypassCSP: true });
  const p = await reader.newPage();
  let dialogs = 0;
  p.on("dialog", async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await p.goto(BASE + articleHref);
  assert(/No comments yet|Comments \(/.test(await p.locator("#comments").textContent()), "no comments section");
  await p.locator(".sign-in-prompt a", { hasText: "create an account" }).click();
  await accessible(p, "sign-up page");
  await p.fill("#name", "reader" + Date.now().toString(36));
  await p.fill("#password", "a long enough password");
  await p.click('form[action="/signup"] button[type=submit]');
  await p.waitForLoadState("load");
  assert(p.url() === BASE + articleHref, `sign-up ended at ${p.url()}: ${(await p.locator("main").textContent()).trim().slice(0, 300)}`);
  const cookies = await reader.cookies();
  const session = cookies.find((c) => c.name === "tidings_session");
  assert(session && session.httpOnly && session.secure && session.sameSite === "Lax", `session cookie ${JSON.stringify(session)}`);
  assert((await p.evaluate(() => document.cookie)).indexOf("tidings_session") < 0, "the session cookie is readable by scripts");
  await p.fill("#comment-body", "First! This *matters*.");
  await p.click(".comment-form button[type=submit]");
  await p.waitForURL(/#comment-/);
  assert((await p.locator(".comment-body em", { hasText: "matters" }).count()) === 1, "the comment is not shown");
  await accessible(p, "article page with a comment and the forms of a signed-in reader");
  const vectors = [
    "<script>window.__xss = 1; alert(1)</script>",
    "<img src=x onerror=\"window.__xss = 2; alert(2)\">",
    "<svg/onload=alert(3)> [click me](javascript:alert(4))",
    "<a href=\"javascript:alert(5)\">x</a> <iframe src=\"javascript:alert(6)\"></iframe>",
  ];
  for (const v of vectors) {
    await p.fill("#comment-body", v);
    await p.click(".comment-form button[type=submit]");
    await p.waitForLoadState("load");
    assert(/#comment-/.test(p.url()), `posting ${v} ended at ${p.url()}`);
  }
  await p.reload();
  // Click every link inside comments: none may run script.
  for (const link of await p.locator(".comment-body a").all()) {
    await link.click({ noWaitAfter: true, timeout: 2000 }).catch(() => {});
    if (!p.url().startsWith(BASE)) await p.goto(BASE + articleHref);
  }
  await p.waitForTimeout(300);
  assert(dialogs === 0, `${dialogs} dialog(s) opened`);
  assert((await p.evaluate(() => window.__xss)) === undefined, "a hostile comment ran script");
  await p.goto(BASE + "/account");
  await accessible(p, "account page");
  await reader.close();
});

await check("keyboard: the first Tab reaches the skip link, which moves focus to the content", async () => {
  await page.goto(BASE + articleHref);
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
  assert(/skip/.test(focused), `first focus on ${focused}`);
});

await check("a 375 px phone: nothing wider than the screen", async () => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  for (const path of ["/", articleHref, storyHref, "/search?q=" + encodeURIComponent(bodyWord)]) {
    await p.goto(BASE + path);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 375, `${path} is ${width} px wide`);
  }
  await phone.close();
});

await check("dark theme follows the system", async () => {
  const dark = await browser.newContext({ colorScheme: "dark" });
  const p = await dark.newPage();
  await p.goto(BASE + articleHref);
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert(r + g + b < 150, `background ${bg} in dark mode`);
  await dark.close();
});

await check("the service worker registers, and an article read online opens offline", async () => {
  const app = await browser.newContext();
  const p = await app.newPage();
  await p.goto(BASE + "/");
  const scope = await p.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert(scope === BASE + "/", `service worker scope ${scope}`);
  // Read the article while online (under the worker's control).
  await p.goto(BASE + articleHref);
  await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await p.reload();
  await p.waitForTimeout(300);
  await app.setOffline(true);
  await p.goto(BASE + articleHref);
  const title = (await p.locator("h1.headline").textContent()).trim();
  assert(title === articleTitle, `offline page shows "${title}"`);
  await p.goto(BASE + "/sources/1?never-read");
  assert(/offline/i.test(await p.locator("body").textContent()), "no honest offline page for an unread page");
  await app.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} browser check(s) failed: ${failures.join(", ")}`);
  process.exit(1);
}
console.log("all browser checks passed");
