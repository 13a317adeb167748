// citetool's side of citeproc-js, loaded after citeproc.js (which defines `CSL`).
// One engine at a time: `start` builds it (for some styles that alone takes half a
// second, so a rendering in parts reuses it), `register` and `bibliography` feed it
// items as JSON strings, `order` sorts by its comparator.
var citetool = (function () {
    "use strict";
    var items = {};
    var locales = {};
    var engine = null;
    var sys = {
        retrieveLocale: function (lang) { return locales[lang]; },
        retrieveItem: function (id) { return items[id]; }
    };

    function take(itemsJson) {
        var list = JSON.parse(itemsJson);
        var ids = [];
        for (var i = 0; i < list.length; i += 1) {
            items[list[i].id] = list[i];
            ids.push(list[i].id);
        }
        return ids;
    }

    function state(ids) {
        return ids.map(function (id) {
            var token = engine.registry.registry[id];
            return [token.ambig === undefined ? null : token.ambig, token.sortkeys || []];
        });
    }

    return {
        start: function (style, lang, force, format, localesJson) {
            locales = JSON.parse(localesJson);
            items = {};
            engine = new CSL.Engine(sys, style, lang, force);
            engine.setOutputFormat(format);
            return engine.bibliography && engine.bibliography.tokens ? engine.bibliography.tokens.length : 0;
        },
        // Registers the items (and no others); answers each one's [disambiguation key, sort keys].
        register: function (itemsJson) {
            var ids = take(itemsJson);
            engine.updateItems(ids);
            return JSON.stringify({state: state(ids), order: engine.registry.getSortedIds()});
        },
        // Registers the items (and no others) and renders them; `numbersJson` maps ids to the
        // citation numbers they carry in a longer bibliography (or is "null").
        bibliography: function (itemsJson, numbersJson, withState) {
            var ids = take(itemsJson);
            engine.updateItems(ids);
            var numbers = JSON.parse(numbersJson);
            if (numbers) {
                for (var id in numbers) {
                    engine.registry.registry[id].seq = numbers[id];
                }
            }
            var made = engine.makeBibliography();
            var answer = {params: {}, ids: [], entries: []};
            if (made) {
                answer.params = made[0];
                answer.ids = made[0].entry_ids.map(function (group) { return group[0]; });
                answer.entries = made[1];
                delete answer.params.entry_ids;
                if (answer.ids.length !== answer.entries.length) {
                    // citeproc-js leaves out an entry that renders as nothing, but not its id:
                    // find those alone, then render again.
                    var empty = {};
                    ids.forEach(function (id) {
                        engine.updateItems([id]);
                        var alone = engine.makeBibliography();
                        if (!alone || !alone[1].length) {
                            empty[id] = true;
                        }
                    });
                    engine.updateItems(ids);
                    if (numbers) {
                        for (var again in numbers) {
                            engine.registry.registry[again].seq = numbers[again];
                        }
                    }
                    answer.entries = engine.makeBibliography()[1];
                    answer.ids = answer.ids.filter(function (id) { return !empty[id]; });
                }
            }
            if (withState) {
                answer.state = state(ids);
                answer.order = engine.registry.getSortedIds();
            }
            return JSON.stringify(answer);
        },
        // Sorts [id, sort keys, registration number] triples as the bibliography would; answers
        // the ids.  JSON turned the keys' `undefined` (which sorts apart) into null: undone here.
        order: function (triplesJson) {
            var pairs = JSON.parse(triplesJson).map(function (triple) {
                var keys = triple[1].map(function (key) { return key === null ? undefined : key; });
                return {id: triple[0], sortkeys: keys, seq: triple[2]};
            });
            var compare = engine.registry.sorter.compareKeys;
            pairs.sort(function (a, b) { return compare(a, b); });
            return JSON.stringify(pairs.map(function (pair) { return pair.id; }));
        },
        // Compares two [id, sort keys, registration number] triples as `order` would.
        compare: function (aJson, bJson) {
            var pair = [JSON.parse(aJson), JSON.parse(bJson)].map(function (triple) {
                var keys = triple[1].map(function (key) { return key === null ? undefined : key; });
                return {id: triple[0], sortkeys: keys, seq: triple[2]};
            });
            return engine.registry.sorter.compareKeys(pair[0], pair[1]);
        }
    };
}());
