// The TypeScript client smoke test: types generated from openapi.json by openapi-typescript
// (api.d.ts, beside this file at test time), calls made with openapi-fetch. Compiled by tsc
// under `strict` and `exactOptionalPropertyTypes`, then run with node against a live server:
//   node out/smoke.js http://127.0.0.1:8000
// tests/test_generated_clients.py does both; any failed check throws and exits non-zero.
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Page = components["schemas"]["RecommendationSummaryPageOrSparse"];
type Problem = components["schemas"]["Problem"];

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`TypeScript client: ${message}`);
  }
}

// A 200 may be sparse (`?fields=`), where every member is optional; without `fields` each item
// has them all, which this checks rather than assumes.
function slugs(items: readonly { slug?: string }[]): string[] {
  return items.map((item) => {
    check(item.slug !== undefined, "an item without `fields` has no slug");
    return item.slug;
  });
}

const baseUrl = process.argv[2];
check(baseUrl, "usage: node smoke.js <base URL>");
const client = createClient<paths>({ baseUrl });
const filters = { life_stage: "toddler", min_certainty: "low" } as const;

// A filtered list, walked page by page with each page's `cursor` passed back as-is.
const walked: string[] = [];
let cursor: string | null = null;
let pages = 0;
do {
  const { data, response }: { data?: Page; response: Response } = await client.GET(
    "/v1/recommendations",
    { params: { query: { ...filters, limit: 2, ...(cursor === null ? {} : { cursor }) } } },
  );
  check(data, `list answered ${response.status}`);
  walked.push(...slugs(data.items));
  cursor = data.cursor;
  pages += 1;
} while (cursor !== null);
const whole = await client.GET("/v1/recommendations", {
  params: { query: { ...filters, limit: 100 } },
});
check(whole.data, `list answered ${whole.response.status}`);
check(pages > 1, `expected several pages, got ${pages}`);
check(
  JSON.stringify(walked) === JSON.stringify(slugs(whole.data.items)),
  `the walk ${walked.join(",")} differs from the single page`,
);

// A detail, then the same detail under If-None-Match: 304 without a body.
const detail = await client.GET("/v1/recommendations/{slug}", {
  params: { path: { slug: "breastfeed" } },
});
check(detail.data, `detail answered ${detail.response.status}`);
// The 200 is JSON or, when Accept prefers it, JSON-LD: the JSON-LD one has an `@context`.
check(!("@context" in detail.data), "JSON-LD where JSON was asked for");
const recommendation:
  | components["schemas"]["Recommendation"]
  | components["schemas"]["RecommendationSparse"] = detail.data;
check(recommendation.slug === "breastfeed", `detail is ${recommendation.slug}`);
check(recommendation.certainty !== undefined, "the whole detail has no certainty");
const certainty: string = recommendation.certainty.code;
const etag = detail.response.headers.get("ETag");
check(etag, "the detail has no ETag");
const unchanged = await client.GET("/v1/recommendations/{slug}", {
  params: { path: { slug: "breastfeed" } },
  headers: { "If-None-Match": etag },
});
check(unchanged.response.status === 304, `conditional GET answered ${unchanged.response.status}`);

// An error: a 404 problem, typed from the document.
const missing = await client.GET("/v1/recommendations/{slug}", {
  params: { path: { slug: "no-such-recommendation" } },
});
check(missing.response.status === 404, `missing item answered ${missing.response.status}`);
const problem: Problem | undefined = missing.error;
check(problem !== undefined, "the 404 has no problem body");
check(problem.type.endsWith("/problems/not-found"), `problem ${JSON.stringify(problem)}`);
check(
  problem.request_id === missing.response.headers.get("X-Request-ID"),
  "the problem's request_id is not the X-Request-ID header",
);

console.log(
  `TypeScript client: ${walked.length} recommendations in ${pages} pages,` +
    ` breastfeed (${certainty}), 304, 404 ok`,
);
