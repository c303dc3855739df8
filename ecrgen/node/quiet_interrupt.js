// Preloaded into the jsii Node processes (NODE_OPTIONS=--require) by ecrgen.ecr.engine.
// Ctrl-C reaches every process of the terminal's process group. ecrgen (Python) handles it, prints one
// line and exits, which stops these processes through jsii's normal shutdown (stdin closes); dying
// here first would only add "Error on jsii API channel ... ECONNRESET" noise to the message.
"use strict";
process.on("SIGINT", () => {});
