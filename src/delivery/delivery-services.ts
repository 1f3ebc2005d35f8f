/**
 * What the delivery feature needs: connect's services (the token service) plus the progress bus on
 * which its jobs publish each part's state and the meeting card listens. The composition root
 * builds the bus once per process.
 */
import type { ConnectServices } from "../connect/connect-services.js";
import type { ProgressBus } from "./progress.js";

export interface DeliveryServices extends ConnectServices {
  /** Meeting part progress (jobs publish, the meeting card listens). */
  readonly progress: ProgressBus;
}
