// custom-elements-manifest analyzer options that have no command-line "off" switch (scripts/build.mjs).
export default {
  // package.json already names dist/custom-elements.json; the analyzer would rewrite it on every build,
  // with the staging folder's path, while a second npm test in this checkout reads it.
  packagejson: false,
};
