/** The message the return page (dist/kpg-return.js) sends its opener: `{type: RETURN_MESSAGE, order_no}`. */
export const RETURN_MESSAGE = 'kpg-return';
