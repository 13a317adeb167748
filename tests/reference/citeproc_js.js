// The reference rendering: npm's `citeproc` (citeproc-js) in Node.js, as Zotero runs it.
// usage: node citeproc_js.js ITEMS.json STYLE.csl LOCALES_DIR html|text
// Prints a JSON array of [id, entry] in the bibliography's order.  The locale is what
// citeproc-js itself takes from the style (its default-locale, else en-US).
const CSL = require("citeproc");
const fs = require("fs");
const [itemsPath, stylePath, localesDir, format] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
const byId = Object.fromEntries(items.map((item) => [item.id, item]));
const sys = {
    retrieveLocale: (lang) => {
        const file = `${localesDir}/locales-${lang}.xml`;
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    },
    retrieveItem: (id) => byId[id],
};
const engine = new CSL.Engine(sys, fs.readFileSync(stylePath, "utf8"));
engine.setOutputFormat(format);
engine.updateItems(items.map((item) => item.id));
const [params, entries] = engine.makeBibliography();
const ids = params.entry_ids.map((group) => group[0]);
process.stdout.write(JSON.stringify(ids.map((id, index) => [id, entries[index]])));
