import { OptionError } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { BalancingPolicy } from "./balancing-policy.js";
import { LeastOutstanding } from "./least-outstanding.js";
import { PowerOfTwo } from "./power-of-two.js";
import { RandomChoice } from "./random-choice.js";
import { RoundRobin } from "./round-robin.js";

/** Names of the balancing policies. */
export const BALANCING_POLICIES = ["round-robin", "random", "least-outstanding", "power-of-two"] as const;

/** A balancing policy as written in a scenario file. */
export type BalancingPolicyKind = (typeof BALANCING_POLICIES)[number];

/**
 * Builds a balancing policy. `stream` is called only by the policies that draw random numbers, so a
 * deterministic policy takes no stream.
 */
export function createBalancingPolicy(
  kind: BalancingPolicyKind,
  stream: () => RandomStream,
): BalancingPolicy {
  switch (kind) {
    case "round-robin":
      return new RoundRobin();
    case "random":
      return new RandomChoice(stream());
    case "least-outstanding":
      return new LeastOutstanding();
    case "power-of-two":
      return new PowerOfTwo(stream());
    default:
      throw new OptionError(
        [],
        `expected one of ${BALANCING_POLICIES.join(", ")}, got ${JSON.stringify(kind as unknown)}`,
      );
  }
}
