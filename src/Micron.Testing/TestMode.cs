namespace Micron.Testing;

/// <summary>Where a <see cref="MicronTestCluster"/> runs the services (Service Weaver's weavertest idea).</summary>
public enum TestMode
{
    /// <summary>One host runs every service; contract calls are direct interface calls.</summary>
    Local,

    /// <summary>One host per service, all in the test process: every cross-service call goes over the wire on loopback.</summary>
    RemoteInProcess,

    /// <summary>One process per service, started from the application's own executable.</summary>
    MultiProcess,
}
