/**
 * Job kinds that only tests enqueue, added to the typed catalogue (src/jobs/catalogue.ts) the same
 * way a feature adds its own. The queue's tests exercise the mechanism, not a payload, so these
 * kinds take any JSON value.
 */
export type TestJobPayload = unknown;

declare module "../../src/jobs/catalogue.js" {
  interface JobCatalogue {
    test: TestJobPayload;
    perm: TestJobPayload;
    later: TestJobPayload;
    deliver: TestJobPayload;
    sweep: TestJobPayload;
    "probe-leak": TestJobPayload;
  }
}
