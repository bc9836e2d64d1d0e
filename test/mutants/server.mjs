// Mutants of kpg-checkout/server (src/server/**, its SQL migrations): see test/mutants.mjs for the fields.
export const SERVER_MUTANTS = [];
