export declare function targetFolders(): string[];
export declare function composeSchema(): Record<string, unknown>;
export declare function generate(): Promise<Map<string, string>>;
