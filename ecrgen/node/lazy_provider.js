// Preloaded into the jsii Node process (NODE_OPTIONS=--require) by ecrgen.ecr.engine.
// The AWS provider's lib/index.js requires all ~2,200 resource modules at load time; each line has
// the form `exports.name = require("./name");`. This turns each such line into a getter that loads
// the module on first use, so only the namespaces ecrgen touches are loaded. Any other form of the
// file is left alone (with one warning) and loads eagerly as before.
"use strict";
const Module = require("module");
const path = require("path");

const TARGET = path.join("@cdktf", "provider-aws", "lib", "index.js");
const LINE = /^exports\.([A-Za-z_$][\w$]*) = require\("(\.\/[\w.-]+)"\);$/;
const MIN_LINES = 1000;

function lazy(name, request) {
  const key = JSON.stringify(name);
  return `Object.defineProperty(exports, ${key}, { enumerable: true, configurable: true, get() { ` +
    `const value = require(${JSON.stringify(request)}); ` +
    `Object.defineProperty(exports, ${key}, { value, enumerable: true, writable: true, configurable: true }); ` +
    `return value; } });`;
}

function rewrite(source) {
  let count = 0;
  const lines = source.split("\n").map((line) => {
    const match = LINE.exec(line);
    if (!match) return line;
    count += 1;
    return lazy(match[1], match[2]);
  });
  return count >= MIN_LINES ? lines.join("\n") : null;
}

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (typeof filename === "string" && filename.endsWith(TARGET)) {
    const rewritten = rewrite(content);
    if (rewritten === null) {
      process.stderr.write("ecrgen: the AWS provider's lib/index.js has an unexpected form; loading it eagerly\n");
    } else {
      content = rewritten;
    }
  }
  return compile.call(this, content, filename);
};
