import type { ComponentType } from "./component-type.js";
import { clientType } from "./types/client-type.js";
import { serverType } from "./types/server-type.js";
import { sourceType } from "./types/source-type.js";

/** Every component type scenario files can use, in the order their sections are documented. */
export const COMPONENT_TYPES: readonly ComponentType[] = [sourceType, clientType, serverType];
