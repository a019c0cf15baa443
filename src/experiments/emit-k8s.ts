/**
 * `--emit k8s`: the sweep as a Kubernetes Indexed Job (batch/v1, completionMode Indexed). Pod i gets
 * JOB_COMPLETION_INDEX=i and runs the same sweep with `--shard auto --shards N`; every pod mounts one
 * ReadWriteMany volume claim as the results folder. Kubernetes has no job dependencies: once the Job has
 * completed (`kubectl wait --for=condition=complete job/<name>`), run the report commands named in the
 * manifest's annotation on any pod that mounts the claim.
 */
import { RdbmError } from '../errors.js';
import { shellCommand } from '../util/shell.js';
import { type YamlValue, toYaml } from '../util/yaml.js';
import { type SweepJobInput, type WorkerResources, slurmTimeSeconds, workerArgv } from './emit.js';

export interface K8sOptions extends WorkerResources {
  /** container image with rdbm-lab installed (its `rdbm` on the PATH) */
  readonly image: string;
  /** the PersistentVolumeClaim (ReadWriteMany) holding the results folder */
  readonly claim: string;
}

/** A DNS-1123 name from a job name: lower case, [a-z0-9-], at most 63 characters. */
export function k8sName(name: string): string {
  const n = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  if (!n) throw new RdbmError(`invalid job name: ${JSON.stringify(name)} (expected letters or digits)`);
  return n;
}

/** The Indexed Job manifest as YAML (apply with `kubectl apply -f <file>`). */
export function k8sManifest(input: SweepJobInput, options: K8sOptions): string {
  if (!input.resultsDir.startsWith('/')) throw new RdbmError(`--results ${input.resultsDir}: a Kubernetes worker needs an absolute path (where the claim is mounted)`);
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (options.gpusPerTask) limits['nvidia.com/gpu'] = String(options.gpusPerTask);
  if (options.cpusPerTask) requests.cpu = String(options.cpusPerTask);
  const resources = Object.keys(limits).length || Object.keys(requests).length ? { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) } : undefined;
  const manifest: YamlValue = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: k8sName(input.name),
      annotations: { 'rdbm-lab/report': input.report.map((argv) => shellCommand([...input.rdbm, ...argv])).join(' && ') },
    },
    spec: {
      completionMode: 'Indexed',
      completions: input.shards,
      parallelism: Math.min(options.arrayParallelism ?? input.shards, input.shards),
      // a failed pod is retried: its finished jobs are kept in the shared folder, the rest resume
      backoffLimit: 3 * input.shards,
      activeDeadlineSeconds: options.time ? slurmTimeSeconds(options.time) : undefined,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'sweep',
              image: options.image,
              command: workerArgv(input),
              resources,
              volumeMounts: [{ name: 'results', mountPath: input.resultsDir }],
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: options.claim } }],
        },
      },
    },
  };
  return toYaml(manifest);
}
