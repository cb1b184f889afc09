import type Ajv from 'ajv';
export declare const ANNOTATIONS: string[];
export declare function createAjv(opts?: Record<string, unknown>): Ajv;
