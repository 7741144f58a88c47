export const OPENAPI_JSON: string;
export const API_TYPES: string;
/** The text of web/src/generated/openapi.ts for the given OpenAPI document (default: docs/openapi.json). */
export function generateApiTypes(document?: unknown): Promise<string>;
