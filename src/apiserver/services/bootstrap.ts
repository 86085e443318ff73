/**
 * The `kubernetes` Service in `default` (the first IP of the service CIDR, port 443) and its Endpoints and
 * EndpointSlice pointing at the API server, as upstream's apiserver reconciler keeps them.
 */
import { isStatusError } from "../../api/status.js";
import type { RegistryStore } from "../registry/store.js";
import { ipToString, type ServiceCidr } from "./ranges.js";

export interface ApiServerEndpoint {
  readonly address: string;
  readonly port: number;
}

export async function ensureKubernetesService(
  services: RegistryStore,
  endpoints: RegistryStore | undefined,
  cidr: ServiceCidr,
  apiServer: ApiServerEndpoint,
  slices?: RegistryStore,
): Promise<void> {
  const labels = { component: "apiserver", provider: "kubernetes" };
  // Check first: creating it again would try to allocate its (held) ClusterIP before noticing it exists.
  const exists = await services.get("default", "kubernetes").then(
    () => true,
    (error: unknown) => {
      if (isStatusError(error) && error.code === 404) return false;
      throw error;
    },
  );
  if (!exists) {
    await createIfAbsent(() =>
      services.create(
        "default",
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "kubernetes", labels },
          spec: {
            type: "ClusterIP",
            clusterIP: ipToString(cidr.base + 1),
            sessionAffinity: "None",
            ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: apiServer.port }],
          },
        },
        { dryRun: false },
      ),
    );
  }
  if (!endpoints) return;
  const subsets = [
    { addresses: [{ ip: apiServer.address }], ports: [{ name: "https", port: apiServer.port, protocol: "TCP" }] },
  ];
  await createIfAbsent(() =>
    endpoints.create(
      "default",
      {
        apiVersion: "v1",
        kind: "Endpoints",
        metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
        subsets,
      },
      { dryRun: false },
    ),
  );
  // Keep the address current (the port may change between starts).
  await endpoints.update("default", "kubernetes", (current) => ({ ...current, subsets }), { dryRun: false });
  if (!slices) return;
  const slice = {
    addressType: apiServer.address.includes(":") ? "IPv6" : "IPv4",
    endpoints: [{ addresses: [apiServer.address], conditions: { ready: true } }],
    ports: [{ name: "https", port: apiServer.port, protocol: "TCP" }],
  };
  await createIfAbsent(() =>
    slices.create(
      "default",
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
        ...slice,
      },
      { dryRun: false },
    ),
  );
  await slices.update("default", "kubernetes", (current) => ({ ...current, ...slice }), { dryRun: false });
}

async function createIfAbsent(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(isStatusError(error) && error.code === 409)) throw error;
  }
}
