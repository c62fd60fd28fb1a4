import type { ComponentType } from "./component-type.js";
import { autoscalerType } from "./types/autoscaler-type.js";
import { balancerType } from "./types/balancer-type.js";
import { cacheType } from "./types/cache-type.js";
import { clientType } from "./types/client-type.js";
import { configPipelineType } from "./types/config-pipeline-type.js";
import { databaseType } from "./types/database-type.js";
import { leaseFleetType } from "./types/lease-fleet-type.js";
import { poolType } from "./types/pool-type.js";
import { serverType } from "./types/server-type.js";
import { serviceType } from "./types/service-type.js";
import { sourceType } from "./types/source-type.js";

/** Every component type scenario files can use, in the order their sections are documented. */
export const COMPONENT_TYPES: readonly ComponentType[] = [
  sourceType,
  clientType,
  serverType,
  serviceType,
  balancerType,
  autoscalerType,
  cacheType,
  databaseType,
  leaseFleetType,
  poolType,
  configPipelineType,
];
