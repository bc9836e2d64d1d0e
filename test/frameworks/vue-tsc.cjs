require('vue-tsc').run(require.resolve('typescript5/lib/tsc'));
