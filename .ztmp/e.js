import * as z from 'zod/mini'; z.config({jitless:true});
const S = z.looseObject({ a: z.string().check(z.regex(/x/)), b: z.optional(z.nullable(z.union([z.string(), z.number()]))), c: z.array(z.unknown()), d: z.enum(['a','b']) });
window.r = [S.safeParse(window.x)];window.r.push(z.catchall(z.object({}), z.string()).safeParse(1));