/**
 * What the connect feature needs and what it gives the features above it: the process's
 * infrastructure plus the one token service of the process (built by the composition root, so
 * every caller in the process shares its in-process single-flight refresh).
 */
import type { Services } from "../services.js";
import type { TokenService } from "./token-service.js";

export interface ConnectServices extends Services {
  readonly tokens: TokenService;
}
