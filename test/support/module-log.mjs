// `node --import ./test/support/module-log.mjs ...`: records which modules the process loads.
import { register } from "node:module";

register("./module-log-hook.mjs", import.meta.url);
