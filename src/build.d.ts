/** The build's id (vite.config.ts `define`, the two-stage builds): the second stage's `?v=` and global. */
declare const __KPG_BUILD__: string;
