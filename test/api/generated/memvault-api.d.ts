export interface paths {
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness check; the only route without a token */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The calling agent: its spaces, grants, limits and expiry */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's spaces */
        get: operations["listSpaces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List memories, newest first, with a cursor */
        get: operations["listMemories"];
        put?: never;
        /** Remember: store a memory (409 with details.existingId if a near-identical one exists) */
        post: operations["addMemory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memories/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remember many: up to 1000 memories in one transaction, all stored or none; near-duplicates are left out and listed (callers with read permission) */
        post: operations["addMemories"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/memories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One memory */
        get: operations["getMemory"];
        put?: never;
        post?: never;
        /** Forget a memory (its history stays until an owner purges it) */
        delete: operations["deleteMemory"];
        options?: never;
        head?: never;
        /** Change a memory; a new version is kept. A caller without read permission gets a receipt (id, space, version, state, updatedAt), never the content */
        patch: operations["updateMemory"];
        trace?: never;
    };
    "/v1/memories/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of a memory */
        get: operations["memoryHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Recall: hybrid, vector or keyword search with filters */
        post: operations["searchMemories"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        MemoryInput: {
            id: string;
            space: string;
            kind: string;
            content: string;
            context: string;
            tags: string[];
            metadata: {
                [key: string]: unknown;
            };
            source: string;
            createdAt: string;
            updatedAt: string;
            validFrom: string | null;
            validUntil: string | null;
            importance: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            version: number;
        };
        MemoryReceiptInput: {
            id: string;
            space: string;
            version: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            updatedAt: string;
        };
        MemoryVersionInput: {
            kind: string;
            content: string;
            context: string;
            tags: string[];
            metadata: {
                [key: string]: unknown;
            };
            source: string;
            validFrom: string | null;
            validUntil: string | null;
            importance: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            version: number;
            changedBy: string;
            changedAt: string;
            /** @enum {string} */
            change: "create" | "update" | "archive" | "delete" | "conflict";
        };
        MemoryPageInput: {
            items: components["schemas"]["MemoryInput"][];
            nextCursor: string | null;
        };
        SearchHitInput: {
            memory: components["schemas"]["MemoryInput"];
            score: number;
            vectorRank: number | null;
            keywordRank: number | null;
        };
        NewMemoryInput: {
            /** @description Space to store it in; default: the space named "default" if you hold it, else the first of your spaces by name (the order /v1/me and list_spaces show) */
            space?: string;
            /** @default note */
            kind?: string;
            content: string;
            /** @default  */
            context?: string;
            /** @default [] */
            tags?: string[];
            /** @default {} */
            metadata?: {
                [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
            };
            /** @default 0.5 */
            importance?: number;
            /** Format: date-time */
            validFrom?: string;
            /** Format: date-time */
            validUntil?: string;
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            /** @default false */
            force?: boolean;
        };
        AddMemoriesResultInput: {
            added: number;
            ids: (string | null)[];
            duplicates: {
                index: number;
                existingId: string;
            }[];
        };
        MemoryChangeInput: {
            content?: string;
            context?: string;
            kind?: string;
            tags?: string[];
            metadata?: {
                [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
            };
            importance?: number;
            validFrom?: string | null;
            validUntil?: string | null;
            /** @enum {string} */
            state?: "active" | "archived";
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            expectedVersion?: number;
        };
        SearchRequestInput: {
            spaces?: string[];
            kinds?: string[];
            tags?: string[];
            source?: string;
            /** Format: date-time */
            since?: string;
            /** Format: date-time */
            until?: string;
            states?: ("active" | "archived" | "deleted")[];
            text?: string;
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            /**
             * @default hybrid
             * @enum {string}
             */
            mode?: "hybrid" | "vector" | "keyword";
            /** @default 10 */
            k?: number;
        } & (unknown | {
            /** @enum {unknown} */
            mode?: "hybrid" | "vector";
        });
        AgentSelfInput: {
            agent: string;
            spaces: string[];
            grants: ("read" | "write" | "delete")[];
            expiresAt: string | null;
            requestsPerMinute: number;
            dailyWrites: number;
        };
        ProblemInput: {
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @enum {string} */
            code: "invalid_input" | "auth_failed" | "locked" | "throttled" | "forbidden" | "not_found" | "conflict" | "duplicate" | "method_not_allowed" | "payload_too_large" | "headers_too_large" | "request_timeout" | "unsupported_media_type" | "integrity" | "unavailable" | "internal";
            retryAfterSeconds?: number;
            details?: {
                [key: string]: string | number | boolean;
            };
        };
        Memory: {
            id: string;
            space: string;
            kind: string;
            content: string;
            context: string;
            tags: string[];
            metadata: {
                [key: string]: unknown;
            };
            source: string;
            createdAt: string;
            updatedAt: string;
            validFrom: string | null;
            validUntil: string | null;
            importance: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            version: number;
        };
        MemoryReceipt: {
            id: string;
            space: string;
            version: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            updatedAt: string;
        };
        MemoryVersion: {
            kind: string;
            content: string;
            context: string;
            tags: string[];
            metadata: {
                [key: string]: unknown;
            };
            source: string;
            validFrom: string | null;
            validUntil: string | null;
            importance: number;
            /** @enum {string} */
            state: "active" | "archived" | "deleted";
            version: number;
            changedBy: string;
            changedAt: string;
            /** @enum {string} */
            change: "create" | "update" | "archive" | "delete" | "conflict";
        };
        MemoryPage: {
            items: components["schemas"]["Memory"][];
            nextCursor: string | null;
        };
        SearchHit: {
            memory: components["schemas"]["Memory"];
            score: number;
            vectorRank: number | null;
            keywordRank: number | null;
        };
        NewMemory: {
            /** @description Space to store it in; default: the space named "default" if you hold it, else the first of your spaces by name (the order /v1/me and list_spaces show) */
            space?: string;
            /** @default note */
            kind: string;
            content: string;
            /** @default  */
            context: string;
            /** @default [] */
            tags: string[];
            /** @default {} */
            metadata: {
                [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
            };
            /** @default 0.5 */
            importance: number;
            /** Format: date-time */
            validFrom?: string;
            /** Format: date-time */
            validUntil?: string;
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            /** @default false */
            force: boolean;
        };
        AddMemoriesResult: {
            added: number;
            ids: (string | null)[];
            duplicates: {
                index: number;
                existingId: string;
            }[];
        };
        MemoryChange: {
            content?: string;
            context?: string;
            kind?: string;
            tags?: string[];
            metadata?: {
                [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
            };
            importance?: number;
            validFrom?: string | null;
            validUntil?: string | null;
            /** @enum {string} */
            state?: "active" | "archived";
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            expectedVersion?: number;
        };
        SearchRequest: {
            spaces?: string[];
            kinds?: string[];
            tags?: string[];
            source?: string;
            /** Format: date-time */
            since?: string;
            /** Format: date-time */
            until?: string;
            states?: ("active" | "archived" | "deleted")[];
            text?: string;
            /** @description Exactly 512 numbers, the vault model's dimensions; any scale, not all zero */
            vector?: number[];
            /**
             * @default hybrid
             * @enum {string}
             */
            mode: "hybrid" | "vector" | "keyword";
            /** @default 10 */
            k: number;
        } & (unknown | {
            /** @enum {unknown} */
            mode?: "hybrid" | "vector";
        });
        AgentSelf: {
            agent: string;
            spaces: string[];
            grants: ("read" | "write" | "delete")[];
            expiresAt: string | null;
            requestsPerMinute: number;
            dailyWrites: number;
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @enum {string} */
            code: "invalid_input" | "auth_failed" | "locked" | "throttled" | "forbidden" | "not_found" | "conflict" | "duplicate" | "method_not_allowed" | "payload_too_large" | "headers_too_large" | "request_timeout" | "unsupported_media_type" | "integrity" | "unavailable" | "internal";
            retryAfterSeconds?: number;
            details?: {
                [key: string]: string | number | boolean;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                        /** @enum {string} */
                        api: "v1";
                    };
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentSelf"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSpaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            createdAt: string;
                            memories: number;
                        }[];
                    };
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listMemories: {
        parameters: {
            query?: {
                space?: string | string[];
                kind?: string | string[];
                tag?: string | string[];
                state?: ("active" | "archived" | "deleted") | ("active" | "archived" | "deleted")[];
                source?: string;
                since?: string;
                until?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryPage"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    addMemory: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewMemoryInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Memory"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    addMemories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    memories: components["schemas"]["NewMemoryInput"][];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AddMemoriesResult"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMemory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Memory"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteMemory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Forgotten */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateMemory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemoryChangeInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Memory"] | components["schemas"]["MemoryReceipt"];
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    memoryHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["MemoryVersion"][];
                    };
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchMemories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SearchRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["SearchHit"][];
                    };
                };
            };
            /** @description Invalid input: a field breaks the schema (the message names it), or credentials were sent in the URL (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing, invalid, expired, paused or revoked agent token (with WWW-Authenticate) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks the grant, the space is not the agent’s, or the Host or Origin is not the loopback API’s (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such memory for this agent, or no such route (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: the memory is not at expectedVersion (details.currentVersion), or a near-identical one exists (code duplicate, details.existingId) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than the route accepts: 1 MiB, or 16 MiB for a batch (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A body that is not application/json (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Rate limit, daily write quota, or too many failed tokens (with Retry-After) (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal or integrity error; nothing was changed (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service Memvault depends on (an embeddings endpoint) is unavailable, or no vault exists yet (RFC 9457 problem details; `type` is urn:memvault:problem:<code>) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
