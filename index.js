// `scf invoke local` resolves `index.main_handler` beside serverless.yml, not in dist/.
// The deployed zip holds dist/ alone, where dist/index.js becomes /index.js. Run `npm run build` first.
module.exports = require("./dist/index.js");
