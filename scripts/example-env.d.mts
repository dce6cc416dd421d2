/** See example-env.mjs. */
export declare const plainHttpEnv: Record<string, string>;
