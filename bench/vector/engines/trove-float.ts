import { troveEngine } from "./trove.js";
export const createEngine = async () => troveEngine("none");
