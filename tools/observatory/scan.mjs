#!/usr/bin/env node
// Score pages as Mozilla's HTTP Observatory does, with its own code.
//
//   node scan.mjs '{"host": "localhost", "httpsPort": 8443, "httpPort": 8080,
//                   "pages": [{"path": "/"}, {"path": "/me/", "headers": ["Cookie: a=b"]}]}'
//
// Prints a JSON list, one object per page: its status, score, grade and every test's
// result. The scanner's command line (mdn-http-observatory-scan) scans only a
// host's front page on ports 80 and 443 and refuses a 404; this calls the same
// retriever, tests and grader for any path and port, and scores a 404's
// headers too. Everything else (the sum, the extra credit only from 90 up, the
// grade) is its scan() line for line (src/scanner/index.js, 1.4.8).
//
// The TLS certificate of the instance under test must be trusted through
// NODE_EXTRA_CA_CERTS: HSTS and redirection count only over a verified chain.
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve("@mdn/mdn-http-observatory/package.json"));

// The HSTS preload list is fetched by the package's install script, which
// `make setup` does not run (no internet needed). No loopback host is on it.
const preload = path.join(root, "conf", "hsts-preload.json");
if (!existsSync(preload)) {
  writeFileSync(preload, "{}");
}

const load = (file) => import(path.join(root, "src", file));
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS, NUM_TESTS, ALGORITHM_VERSION } = await load("constants.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");

const STANDARD_HEADERS = [
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
];

async function scanPage(request, { path: pagePath, headers: extra = [] }) {
  const r = await retrieve(request.host, {
    httpsPort: request.httpsPort,
    httpPort: request.httpPort,
    path: pagePath,
    headers: [...STANDARD_HEADERS, ...extra],
  });
  if (!r.responses.auto) {
    return { path: pagePath, error: "The site seems to be down." };
  }
  const results = ALL_TESTS.map((test) => test(r));
  let testsPassed = 0;
  let scoreWithExtraCredit = 100;
  let uncurvedScore = scoreWithExtraCredit;
  const tests = {};
  for (const result of results) {
    if (result.result) {
      result.scoreModifier = getScoreModifier(result.result);
      testsPassed += result.pass ? 1 : 0;
      scoreWithExtraCredit += result.scoreModifier;
      if (result.scoreModifier < 0) {
        uncurvedScore += result.scoreModifier;
      }
    }
    tests[result.constructor.name] = {
      result: result.result,
      pass: result.pass,
      scoreModifier: result.scoreModifier,
      data: result.data ?? null,
    };
  }
  const score =
    uncurvedScore >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? scoreWithExtraCredit : uncurvedScore;
  const final = getGradeForScore(score);
  return {
    path: pagePath,
    algorithmVersion: ALGORITHM_VERSION,
    status: r.responses.auto.status,
    verified: Boolean(r.responses.https?.verified),
    score: final.score,
    grade: final.grade,
    testsPassed,
    testsQuantity: NUM_TESTS,
    tests,
    headers: r.responses.auto.headers,
  };
}

const request = JSON.parse(process.argv[2]);
const pages = [];
for (const page of request.pages) {
  pages.push(await scanPage(request, page));
}
console.log(JSON.stringify(pages, null, 2));
