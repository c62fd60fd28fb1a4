import { OptionError } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import { kindsOf, type PolicySpec, policyFamily } from "../options.js";
import type { BalancingPolicy } from "./balancing-policy.js";
import { LeastOutstanding } from "./least-outstanding.js";
import { PowerOfTwo } from "./power-of-two.js";
import { RandomChoice } from "./random-choice.js";
import { RoundRobin } from "./round-robin.js";

/** How a balancer picks the next backend. */
export const BALANCING_POLICIES = policyFamily("balancing", {
  roundRobin: { doc: "Each backend in turn.", options: {} },
  random: { doc: "A backend drawn at random.", options: {} },
  leastOutstanding: { doc: "The backend with the fewest calls outstanding (ties: the first).", options: {} },
  powerOfTwo: {
    doc: "The less loaded of two backends drawn at random: nearly as good as leastOutstanding without looking at every backend.",
    options: {},
  },
});

/** A balancing policy as written in a scenario file. */
export type BalancingPolicySpec = PolicySpec<typeof BALANCING_POLICIES>;

/**
 * Builds a balancing policy. `stream` is called only by the policies that draw random numbers, so a
 * deterministic policy takes no stream.
 */
export function createBalancingPolicy(
  spec: BalancingPolicySpec,
  stream: () => RandomStream,
): BalancingPolicy {
  switch (spec.kind) {
    case "roundRobin":
      return new RoundRobin();
    case "random":
      return new RandomChoice(stream());
    case "leastOutstanding":
      return new LeastOutstanding();
    case "powerOfTwo":
      return new PowerOfTwo(stream());
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${kindsOf(BALANCING_POLICIES).join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
