/* Callbacks run in the browser, called from Python through ClientsideFunction("carte", ...)
   (see dashboard/callbacks). Their messages come from the server (the upload limit store). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    carte: {
        /* A click on a legend entry unticks (or ticks back) its kind. */
        legendToggle: function (restyle, figure, kinds) {
            if (!restyle || !figure || !restyle[0] || !('visible' in restyle[0])) {
                return window.dash_clientside.no_update;
            }
            const visible = restyle[0].visible;
            const traces = restyle[1] || [];
            let chosen = (kinds || []).slice();
            traces.forEach(function (index, j) {
                const group = (figure.data[index] || {}).legendgroup;
                if (!group) { return; }
                const v = Array.isArray(visible) ? visible[j % visible.length] : visible;
                if (v === 'legendonly' || v === false) {
                    chosen = chosen.filter(function (k) { return k !== group; });
                } else if (chosen.indexOf(group) < 0) {
                    chosen.push(group);
                }
            });
            return chosen;
        },

        /* On a phone the legend box would cover France: move it under the map (screen only;
           exports keep the network's legend bottom-left). */
        phoneLegend: function (figure) {
            if (!figure || window.innerWidth > 600) {
                return window.dash_clientside.no_update;
            }
            const graph = document.querySelector('#map .js-plotly-plot');
            if (graph && window.Plotly) {
                window.Plotly.relayout(graph, {
                    'legend.orientation': 'h', 'legend.x': 0, 'legend.xanchor': 'left',
                    'legend.y': -0.06, 'legend.yanchor': 'top', 'legend.font.size': 11,
                    'title.font.size': 15, 'margin.b': 150});
            }
            return window.dash_clientside.no_update;
        },

        /* A file over the size limit is refused here, never sent. limit: {bytes, message},
           the message with {filename} and {size} to fill (size in Mo, as the server writes
           it: one decimal, a comma, no ",0"). */
        refuseLargeUpload: function (contents, filename, limit) {
            const none = window.dash_clientside.no_update;
            if (!contents) { return [none, none]; }
            const size = Math.floor((contents.length - contents.indexOf(',') - 1) * 3 / 4);
            if (size <= limit.bytes) {
                return [{contents: contents, filename: filename}, ''];
            }
            const mo = (size / 1048576).toFixed(1).replace(/\.0$/, '').replace('.', ',') + ' Mo';
            return [none, limit.message.replace('{filename}', filename).replace('{size}', mo)];
        }
    }
});
