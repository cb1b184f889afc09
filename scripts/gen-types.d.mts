export declare function generateTypes(): Promise<string>;
