#!/usr/bin/env node
// Offline schema validation of heapwatch's Kubernetes manifests.
// Usage: node validate.mjs [DIR_OR_FILE ...]      (default: ../base)
// A directory with a kustomization.yaml is validated through its `resources` list (every listed file must
// exist); otherwise every *.yaml / *.yml in it. Prints one line per object; exits 1 on any failure.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import YAML from "yaml";
import { Namespace, Secret, Service, ConfigMap, ServiceAccount } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ServiceMonitor, PrometheusRule, PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

export const MODELS = {
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

/** Throws if obj is not a valid object of a known kind. */
export function validateObject(obj) {
  if (!obj || typeof obj !== "object") throw new Error("not a mapping");
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema model for ${key}`);
  if (!obj.metadata?.name) throw new Error("metadata.name is missing");
  new Model(obj).validate();
}

/** Returns the manifest files to validate for a directory or file argument. */
export function manifestFiles(target) {
  const path = resolve(target);
  if (statSync(path).isFile()) return [path];
  const kustomization = ["kustomization.yaml", "kustomization.yml"].map((f) => join(path, f)).find(existsSync);
  if (kustomization) {
    const k = YAML.parse(readFileSync(kustomization, "utf8"));
    if (!Array.isArray(k?.resources) || k.resources.length === 0) throw new Error(`${kustomization}: no resources`);
    return k.resources.map((r) => join(path, r));
  }
  return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f));
}

/** Parses every document of a file. Returns [{obj, where}], throws on YAML errors. */
export function loadObjects(file) {
  const docs = YAML.parseAllDocuments(readFileSync(file, "utf8"));
  const out = [];
  docs.forEach((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i}: ${d.errors[0].message}`);
    const obj = d.toJS();
    if (obj !== null && obj !== undefined) out.push({ obj, where: `${file}#${i}` });
  });
  return out;
}

export function run(targets) {
  let failures = 0;
  let count = 0;
  for (const target of targets) {
    let files;
    try {
      files = manifestFiles(target);
    } catch (e) {
      console.log(`FAIL ${target}: ${e.message}`);
      failures++;
      continue;
    }
    for (const file of files) {
      const rel = relative(process.cwd(), file);
      let objects;
      try {
        if (!existsSync(file)) throw new Error("listed in kustomization.yaml but missing");
        objects = loadObjects(file);
      } catch (e) {
        console.log(`FAIL ${rel}: ${e.message}`);
        failures++;
        continue;
      }
      for (const { obj } of objects) {
        count++;
        const id = `${obj?.apiVersion}/${obj?.kind} ${obj?.metadata?.name ?? "<no name>"}`;
        try {
          validateObject(obj);
          console.log(`PASS ${id} (${rel})`);
        } catch (e) {
          failures++;
          const msg = (e.errors ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ") : e.message);
          console.log(`FAIL ${id} (${rel}): ${msg}`);
        }
      }
    }
  }
  if (count === 0) {
    console.log("FAIL no objects found");
    failures++;
  }
  console.log(`${failures === 0 ? "PASS" : "FAIL"}: ${count} objects, ${failures} failures`);
  return failures === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const here = dirname(fileURLToPath(import.meta.url));
  const targets = process.argv.slice(2);
  process.exit(run(targets.length ? targets : [join(here, "..", "base")]));
}
