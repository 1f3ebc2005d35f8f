// Module-loader hook for test/cli/role-modules.test.ts: appends every module URL the process
// resolves to the file named by ZOOMGRAM_MODULE_LOG.
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(process.env.ZOOMGRAM_MODULE_LOG, `${result.url}\n`);
  return result;
}
