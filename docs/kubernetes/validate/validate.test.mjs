#!/usr/bin/env node
// Proves the validator rejects broken manifests: every case mutates a copy of a real object in memory and
// must be rejected; then a broken manifest file on disk must make validate.mjs exit non-zero.
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import YAML from "yaml";
import { loadObjects, validateObject } from "./validate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const base = join(here, "..", "base");
const load = (file) => loadObjects(join(base, file))[0].obj;
const clone = (o) => structuredClone(o);
let failures = 0;

function expectValid(name, obj) {
  try {
    validateObject(obj);
    console.log(`PASS valid: ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL valid object rejected: ${name}: ${e.message}`);
  }
}
function expectInvalid(name, mutate, file) {
  const obj = clone(load(file));
  mutate(obj);
  try {
    validateObject(obj);
    failures++;
    console.log(`FAIL broken object accepted: ${name}`);
  } catch (e) {
    console.log(`PASS rejected: ${name}`);
  }
}

expectValid("deployment.yaml as committed", load("deployment.yaml"));
expectInvalid("Deployment containerPort is a string", (o) => { o.spec.template.spec.containers[0].ports[0].containerPort = "eight-thousand"; }, "deployment.yaml");
expectInvalid("Deployment without selector", (o) => { delete o.spec.selector; }, "deployment.yaml");
expectInvalid("Deployment replicas is a string", (o) => { o.spec.replicas = "two"; }, "deployment.yaml");
expectInvalid("Deployment container without name", (o) => { delete o.spec.template.spec.containers[0].name; }, "deployment.yaml");
expectInvalid("Deployment env secretKeyRef without key", (o) => { delete o.spec.template.spec.containers[0].env.find((e) => e.name === "METRICS_AUTH_PASSWORD").valueFrom.secretKeyRef.key; }, "deployment.yaml");
expectInvalid("Service port is a string", (o) => { o.spec.ports[0].port = "http"; }, "service.yaml");
expectInvalid("ServiceMonitor endpoints is not a list", (o) => { o.spec.endpoints = { port: "http" }; }, "servicemonitor.yaml");
expectInvalid("ServiceMonitor basicAuth password without key", (o) => { delete o.spec.endpoints[0].basicAuth.password.key; }, "servicemonitor.yaml");
expectInvalid("PrometheusRule rule without expr", (o) => { delete o.spec.groups[0].rules[0].expr; }, "prometheusrule.yaml");
expectInvalid("PrometheusRule group without name", (o) => { delete o.spec.groups[0].name; }, "prometheusrule.yaml");
expectInvalid("unknown kind", (o) => { o.kind = "Deploymnet"; }, "deployment.yaml");
expectInvalid("missing metadata.name", (o) => { delete o.metadata.name; }, "service.yaml");

// End to end: a directory holding one broken manifest must make the CLI exit non-zero with a FAIL line.
const dir = mkdtempSync(join(tmpdir(), "heapwatch-validate-"));
try {
  const broken = clone(load("deployment.yaml"));
  broken.spec.template.spec.containers[0].ports[0].containerPort = "eight-thousand";
  writeFileSync(join(dir, "broken-deployment.yaml"), YAML.stringify(broken));
  const r = spawnSync(process.execPath, [join(here, "validate.mjs"), dir], { encoding: "utf8" });
  if (r.status !== 0 && /^FAIL apps\/v1\/Deployment spring-boot-demo/m.test(r.stdout)) {
    console.log(`PASS validate.mjs exits ${r.status} on a broken manifest file`);
  } else {
    failures++;
    console.log(`FAIL validate.mjs exit ${r.status} on a broken manifest file:\n${r.stdout}${r.stderr}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(failures === 0 ? "PASS: negative tests" : `FAIL: ${failures} negative test(s)`);
process.exit(failures === 0 ? 0 : 1);
