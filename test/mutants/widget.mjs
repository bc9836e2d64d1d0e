// Mutants of the widget (src/**, except src/server): see test/mutants.mjs for the fields.
export const WIDGET_MUTANTS = [];
