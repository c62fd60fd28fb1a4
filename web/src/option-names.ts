// Component types whose options interface is not named after the type.
const RENAMED: Record<string, string> = { balancer: "LoadBalancerOptions", pool: "ConnectionPoolOptions" };

/** The options interface that documents a component type: `leaseFleet` -> `LeaseFleetOptions`. */
export function interfaceFor(type: string): string {
  return RENAMED[type] ?? `${type[0]!.toUpperCase()}${type.slice(1)}Options`;
}

/** Fields that name other components (wired on the canvas, not documented as options). */
export { REFERENCE_FIELD_NAMES as REFERENCE_FIELDS } from "./wiring.js";
