// The app flows on the Redis store over TCP (ioredis), as a self-hosted app would run.
import { describeAppFlowsOnRedis } from "./app-flows.js";

describeAppFlowsOnRedis();
