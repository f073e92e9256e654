using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PayGateway.Api.Admission;
using PayGateway.Api.Hosting;
using PayGateway.Hosting;
using PayGateway.Silo.Hosting;
using YamlDotNet.RepresentationModel;
using GatewayOptions = PayGateway.Hosting.GatewayOptions;

namespace PayGateway.Tests.Hosting;

/// <summary>
/// Keeps deploy/container and deploy/k8s true to the code: every setting they pass is one a host reads, every setting
/// a host refuses to start without is passed, ports and addresses are the ones the hosts listen on, and the images
/// copy what their projects need and start the assemblies the projects build. Nothing here needs Docker or a cluster.
/// </summary>
public sealed class DeployManifestTests
{
    private const string PodIp = "10.1.2.3";

    private static readonly string Root = FindRoot();

    // ---- settings: what the hosts read ----

    /// <summary>Configuration keys a silo reads: its required keys, the keys it reads by name, and its options sections by reflection.</summary>
    private static readonly BoundKeys SiloKeys = new BoundKeys()
        .Exact(SiloConfiguration.RequiredKeys).Exact(SiloConfiguration.OptionalKeys)
        .Options<GatewayOptions>(GatewayOptions.SectionName).Options<SupervisionOptions>(SupervisionOptions.SectionName)
        .Options<NotificationOptions>(NotificationOptions.SectionName).Options<ReconciliationOptions>(ReconciliationOptions.SectionName)
        .Options<RecurringOptions>(RecurringOptions.SectionName)
        .Host("shutdownTimeoutSeconds");

    /// <summary>Configuration keys an API host reads.</summary>
    private static readonly BoundKeys ApiKeys = new BoundKeys()
        .Exact(ApiConfiguration.RequiredKeys)
        .Options<ApiOptions>(ApiOptions.SectionName).Options<AdmissionOptions>(AdmissionOptions.SectionName)
        .Host("shutdownTimeoutSeconds").Host("HTTP_PORTS");

    [Theory]
    [InlineData("Silo/appsettings.json", "Gateway:PublicBaseUrl")]
    [InlineData("Api/appsettings.json", "Api:ResponseSigningKeyPem")]
    public void ShippedAppSettings_LeaveEveryDeploymentSpecificKeyUnset(string file, string hostKey)
    {
        // The images ship these files: a default cluster, datacenter or public URL in them would let a manifest that
        // forgets one start anyway, with another datacenter's ids or callbacks sent to 127.0.0.1.
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root, file)).Build();
        var keys = file.StartsWith("Silo", StringComparison.Ordinal) ? SiloConfiguration.RequiredKeys : ApiConfiguration.RequiredKeys;

        var error = Assert.Throws<InvalidOperationException>(() => RequiredSettings.Check(configuration, file, keys));

        foreach (var key in new[] { "ConnectionStrings:Gateway", "Orleans:ClusterId", "Gateway:DatacenterCode", hostKey })
        {
            Assert.Contains(key, error.Message);
        }
    }

    [Fact]
    public void UnknownKey_IsReportedAsUnbound()
    {
        // The checks below must be able to fail: a misspelt or invented setting is caught.
        Assert.Equal(["Gateway:MasterKye", "Orleans:AdvertisedAddress", "Api:Datacenter:02"],
            SiloKeys.Unbound(["Gateway__MasterKye", "Orleans__AdvertisedAddress", "Gateway__Supervision__Shards"])
                .Concat(ApiKeys.Unbound(["Api__Datacenter__02", "Api__Datacenters__02", "Api__OperatorTokenSha256__3"])));
        Assert.Equal(["DOTNET_ShutdownTimeout"], SiloKeys.Unbound(["DOTNET_ShutdownTimeout", "DOTNET_shutdownTimeoutSeconds"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("dc01")]
    [InlineData("dc02")]
    public void K8sEnvironment_OnlyKeysTheHostsRead_AndEveryRequiredKey(string? overlay)
    {
        var k8s = K8s.Load(overlay);
        foreach (var (deployment, keys, required) in new[]
        {
            ("paygw-silo", SiloKeys, SiloConfiguration.RequiredKeys), ("paygw-api", ApiKeys, ApiConfiguration.RequiredKeys),
        })
        {
            var env = k8s.Environment(deployment);
            None(keys.Unbound(env.Keys), "settings no host reads");
            None(required.Where(k => !env.ContainsKey(k.Replace(":", "__", StringComparison.Ordinal))), "required settings not provided");
        }
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    [InlineData("api")]
    public void ComposeEnvironment_OnlyKeysTheHostsRead_AndEveryRequiredKey(string service)
    {
        var env = Compose.Load().Environment(service);
        var (keys, required) = service == "api" ? (ApiKeys, ApiConfiguration.RequiredKeys) : (SiloKeys, SiloConfiguration.RequiredKeys);

        None(keys.Unbound(env.Keys), "settings no host reads");
        None(required.Where(k => !env.ContainsKey(k.Replace(":", "__", StringComparison.Ordinal))), "required settings not provided");
    }

    [Fact]
    public void ComposeVariables_AllInTheSecretsExample_WithPlaceholdersOnly()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "deploy/container/compose.yaml"));
        var used = Regex.Matches(compose, @"\$\{([A-Z0-9_]+)(:[?-][^}]*)?\}").Select(m => (Name: m.Groups[1].Value, Optional: m.Groups[2].Value.StartsWith(":-", StringComparison.Ordinal))).ToList();
        var example = File.ReadAllLines(Path.Combine(Root, "deploy/container/secrets.env.example"))
            .Where(l => Regex.IsMatch(l, "^[A-Z0-9_]+=")).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

        Assert.NotEmpty(used);
        None(used.Where(u => !u.Optional && !example.ContainsKey(u.Name)).Select(u => u.Name), "variables missing from secrets.env.example");
        None(example.Keys.Where(k => used.All(u => u.Name != k)), "variables compose does not use");
        Assert.All(example.Values, v => Assert.Matches("^\"?<[^>]+>\"?$", v));
        Assert.Contains("/deploy/container/secrets.env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
    }

    [Fact]
    public void K8sSecret_IsATemplateNotApplied_AndHoldsEveryKeyTheHostsReference()
    {
        var k8s = K8s.Load(null);
        var secret = K8s.Documents(Path.Combine(Root, "deploy/k8s/base/secret.example.yaml")).Single();
        var data = Map(secret, "stringData").Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value));

        // Placeholders only: every value has a <...> placeholder, and a password in the connection string is one too.
        Assert.All(data.Values, v => Assert.Matches("<[^>]+>", v));
        Assert.All(data.Values, v => Assert.DoesNotMatch("(?i)password=[^<]", v));
        Assert.DoesNotContain("secret.example.yaml", File.ReadAllText(Path.Combine(Root, "deploy/k8s/base/kustomization.yaml")).Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        var referenced = k8s.SecretReferences().ToList();
        Assert.NotEmpty(referenced);
        Assert.All(referenced, r => Assert.Equal(Scalar(Map(secret, "metadata")["name"]), r.Secret));
        None(referenced.Select(r => r.Key).Where(k => !data.ContainsKey(k)), "secret keys missing from the template");
    }

    [Theory]
    [InlineData("dc01", "02")]
    [InlineData("dc02", "01")]
    public void DatacenterOverlays_OwnCode_ForwardToTheOther(string overlay, string other)
    {
        var api = K8s.Load(overlay).Environment("paygw-api");
        var code = api["Gateway__DatacenterCode"];

        Assert.Matches("^[0-9A-Z]{2}$", code);
        Assert.Equal(overlay[2..], code);
        Assert.StartsWith("https://", api[$"Api__Datacenters__{other}"], StringComparison.Ordinal);
        Assert.False(api.ContainsKey($"Api__Datacenters__{code}"));
    }

    // ---- what the silo does with the manifests' settings ----

    [Fact]
    public void K8sSilo_ListensOnItsDeclaredPorts_AdvertisesThePodIp_StopsWithinTheGracePeriod()
    {
        var k8s = K8s.Load(null);
        var container = k8s.Container("paygw-silo");
        var silo = BuildSilo(k8s.Environment("paygw-silo"));

        var endpoints = silo.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse(PodIp), endpoints.AdvertisedIPAddress);
        Assert.Equal(ContainerPort(container, "silo"), endpoints.SiloPort);
        Assert.Equal(ContainerPort(container, "gateway"), endpoints.GatewayPort);
        Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);
        Assert.Equal([ContainerPort(container, "silo"), ContainerPort(container, "gateway")], Dockerfile.Load("silo").Exposed);

        var stop = silo.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(stop > TimeSpan.FromSeconds(30), $"a silo needs more than the default 30 s to hand its grains over, has {stop}");
        Assert.True(stop + TimeSpan.FromSeconds(10) <= TimeSpan.FromSeconds(int.Parse(Scalar(k8s.PodSpec("paygw-silo")["terminationGracePeriodSeconds"]))));
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.Contains(Scalar(Map(Map(container, probe), "tcpSocket")["port"]), new[] { "silo", "gateway" });
        }
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    public void ComposeSilo_AdvertisesItsFixedAddress_StopsWithinTheGracePeriod(string service)
    {
        var compose = Compose.Load();
        var silo = BuildSilo(compose.Environment(service));

        var endpoints = silo.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse(compose.Address(service)), endpoints.AdvertisedIPAddress);
        Assert.Equal(Dockerfile.Load("silo").Exposed, [endpoints.SiloPort, endpoints.GatewayPort]);
        var stop = silo.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(stop > TimeSpan.FromSeconds(30));
        Assert.True(stop + TimeSpan.FromSeconds(10) <= compose.StopGracePeriod(service));
    }

    // ---- the API host's port and probes ----

    [Fact]
    public void Api_PortAndProbes_MatchTheImageAndRoutesTheHostMaps()
    {
        var k8s = K8s.Load(null);
        var container = k8s.Container("paygw-api");
        var image = Dockerfile.Load("api");
        var port = ContainerPort(container, "http");

        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), image.Env["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), k8s.Environment("paygw-api")["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal([port], image.Exposed);
        Assert.EndsWith($":{port}", Scalar(((YamlSequenceNode)Compose.Load().Service("api")["ports"]).Children.Single()), StringComparison.Ordinal);
        var servicePort = (YamlMappingNode)((YamlSequenceNode)Map(k8s.Document("Service", "paygw-api"), "spec")["ports"]).Children.Single();
        Assert.Equal("http", Scalar(servicePort["targetPort"]));

        var routes = ApiRoutes();
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var get = Map(Map(container, probe), "httpGet");
            Assert.Equal("http", Scalar(get["port"]));
            Assert.Contains(Scalar(get["path"]), routes);
        }
    }

    // ---- the runtime settings ----

    /// <summary>
    /// The benchmark measures the hosts in one process, so it must run with their GC and thread-pool settings, and the
    /// silo and API host must agree (docs/performance.md, perf4 and perf6).
    /// </summary>
    [Fact]
    public void SiloApiHostAndBenchmark_RunWithTheSameRuntimeSettings()
    {
        static string Settings(string project)
        {
            var xml = XDocument.Load(Path.Combine(Root, project));
            var properties = new[] { "ServerGarbageCollection", "ConcurrentGarbageCollection", "TieredPGO", "InvariantGlobalization" }
                .Select(name => $"{name}={xml.Descendants(name).SingleOrDefault()?.Value}");
            var options = xml.Descendants("RuntimeHostConfigurationOption")
                .Select(o => $"{o.Attribute("Include")?.Value}={o.Attribute("Value")?.Value}").Order(StringComparer.Ordinal);
            return string.Join("; ", properties.Concat(options));
        }

        var silo = Settings("Silo/Silo.csproj");
        Assert.Contains("ServerGarbageCollection=false", silo, StringComparison.Ordinal);
        Assert.Contains("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=0", silo, StringComparison.Ordinal);
        Assert.Equal(silo, Settings("Api/Api.csproj"));
        Assert.Equal(silo, Settings("Tests/Benchmarks/Benchmarks.csproj"));
    }

    // ---- the images ----

    [Theory]
    [InlineData("silo", "Silo/Silo.csproj")]
    [InlineData("api", "Api/Api.csproj")]
    public void Dockerfile_CopiesWhatTheProjectNeeds_RunsItsAssemblyAsNonRoot(string host, string project)
    {
        var image = Dockerfile.Load(host);

        Assert.All(image.CopySources, source => Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"COPY {source}: not in the repository"));
        foreach (var csproj in ProjectClosure(project))
        {
            var directory = Path.GetDirectoryName(csproj)!.Replace('\\', '/') + "/";
            Assert.Contains(csproj, image.CopySources);
            Assert.Contains(directory, image.CopySources);
            // Files a project links from outside its folder (the silo's deploy/sql/*.sql) must be in the build context too.
            foreach (var outside in LinkedFolders(csproj))
            {
                Assert.Contains(outside, image.CopySources);
            }
        }
        Assert.Contains("Directory.Build.props", image.CopySources);
        Assert.Contains("Directory.Packages.props", image.CopySources);
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"], image.From);
        Assert.Contains($"dotnet publish {project} -c Release", image.Text, StringComparison.Ordinal);

        var assembly = host == "silo" ? typeof(SiloConfiguration).Assembly : typeof(ApiEntryPoint).Assembly;
        Assert.Equal(["dotnet", $"{assembly.GetName().Name}.dll"], image.EntryPoint);
        Assert.Equal(assembly.GetName().Name, XDocument.Load(Path.Combine(Root, project)).Descendants("AssemblyName").Single().Value);
        Assert.Equal("$APP_UID", image.User);
    }

    [Fact]
    public void SiloImage_CarriesTheMigrationsWhereTheMigratorLooks()
    {
        // Silo.csproj links ../deploy/sql/*.sql into "sql" next to the assembly; SchemaMigrator reads BaseDirectory/sql.
        var none = XDocument.Load(Path.Combine(Root, "Silo/Silo.csproj")).Descendants("None").Single(n => n.Attribute("Include")!.Value.Contains("sql", StringComparison.Ordinal));
        Assert.Equal(@"..\deploy\sql\*.sql", none.Attribute("Include")!.Value);
        Assert.Equal("sql", none.Attribute("LinkBase")!.Value);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "sql"), PayGateway.Silo.Storage.SchemaMigrator.DefaultSqlDirectory);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, "deploy/sql"), "*.sql"));
        Assert.Contains("deploy/sql/", Dockerfile.Load("silo").CopySources);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputLocalStateAndGitOut_ButNothingTheImagesCopy()
    {
        var patterns = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var required in new[] { "**/bin/", "**/obj/", ".run/", ".git/" })
        {
            Assert.Contains(required, patterns);
        }
        var copied = Dockerfile.Load("silo").CopySources.Concat(Dockerfile.Load("api").CopySources);
        Assert.DoesNotContain(copied, c => patterns.Any(p => !p.StartsWith("**", StringComparison.Ordinal) && c.StartsWith(p.TrimEnd('/'), StringComparison.Ordinal)));
    }

    // ---- helpers ----

    private static void None(IEnumerable<string> items, string what)
    {
        var list = items.ToList();
        Assert.True(list.Count == 0, $"{what}: {string.Join(", ", list)}");
    }

    private static IServiceProvider BuildSilo(IReadOnlyDictionary<string, string> environment)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(AsConfiguration(environment));
        builder.UseOrleans(silo => silo.AddPaymentGateway(builder.Configuration));
        return builder.Build().Services;
    }

    private static HashSet<string> ApiRoutes()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(AsConfiguration(K8s.Load(null).Environment("paygw-api")));
        builder.AddGatewayApi();
        var app = builder.Build();
        app.MapGatewayApi();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "").ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Environment variables as .NET reads them: DOTNET_x is the host's x, ASPNETCORE_x the web host's x, a__b is a:b.</summary>
    private static Dictionary<string, string?> AsConfiguration(IReadOnlyDictionary<string, string> environment) =>
        environment.ToDictionary(e => BoundKeys.ConfigurationKey(e.Key), e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

    private static int ContainerPort(YamlMappingNode container, string name) =>
        int.Parse(Scalar(((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>().Single(p => Scalar(p["name"]) == name)["containerPort"]));

    private static List<string> ProjectClosure(string project)
    {
        var result = new List<string>();
        var pending = new Queue<string>([project]);
        while (pending.TryDequeue(out var next))
        {
            if (result.Contains(next))
            {
                continue;
            }
            result.Add(next);
            var directory = Path.GetDirectoryName(next)!;
            foreach (var reference in XDocument.Load(Path.Combine(Root, next)).Descendants("ProjectReference"))
            {
                pending.Enqueue(Relative(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }
        return result;
    }

    private static IEnumerable<string> LinkedFolders(string csproj)
    {
        var directory = Path.GetDirectoryName(csproj)!;
        return XDocument.Load(Path.Combine(Root, csproj)).Descendants().Select(e => e.Attribute("Include")?.Value)
            .Where(i => i is not null && i.StartsWith("..", StringComparison.Ordinal) && !i.EndsWith("proj", StringComparison.Ordinal))
            .Select(i => Relative(Path.GetDirectoryName(Path.Combine(directory, i!.Replace('\\', '/')))!) + "/");
    }

    private static string Relative(string path) => Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, path))).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static bool TryGet(YamlMappingNode node, string key, out YamlNode value) => node.Children.TryGetValue(new YamlScalarNode(key), out value!);

    /// <summary>The configuration keys one host reads, and the check of a manifest's environment against them.</summary>
    private sealed class BoundKeys
    {
        private readonly HashSet<string> exact = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> prefixes = [];
        private readonly HashSet<string> host = new(StringComparer.OrdinalIgnoreCase);

        public BoundKeys Exact(IEnumerable<string> keys)
        {
            exact.UnionWith(keys);
            return this;
        }

        /// <summary>Every settable property of an options class; a list or dictionary property also takes its entries (Section:Property:entry).</summary>
        public BoundKeys Options<T>(string section)
        {
            foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                var key = $"{section}:{property.Name}";
                if (property.PropertyType != typeof(string) && property.PropertyType.IsAssignableTo(typeof(System.Collections.IEnumerable)))
                {
                    prefixes.Add(key + ":");
                }
                else
                {
                    exact.Add(key);
                }
            }
            return this;
        }

        /// <summary>A setting of the .NET host itself (given as DOTNET_x or ASPNETCORE_x), checked by behaviour elsewhere in this class.</summary>
        public BoundKeys Host(string key)
        {
            host.Add(key);
            return this;
        }

        public static string ConfigurationKey(string environmentName) =>
            environmentName.StartsWith("DOTNET_", StringComparison.Ordinal) ? environmentName["DOTNET_".Length..]
            : environmentName.StartsWith("ASPNETCORE_", StringComparison.Ordinal) ? environmentName["ASPNETCORE_".Length..]
            : environmentName.Replace("__", ":", StringComparison.Ordinal);

        public List<string> Unbound(IEnumerable<string> environmentNames) => environmentNames
            .Where(n => IsHostSetting(n)
                ? !host.Contains(ConfigurationKey(n))
                : !exact.Contains(ConfigurationKey(n)) && !prefixes.Any(p => IsEntryOf(ConfigurationKey(n), p)))
            .Select(n => IsHostSetting(n) ? n : ConfigurationKey(n))
            .ToList();
    }

    private static bool IsHostSetting(string environmentName) =>
        environmentName.StartsWith("DOTNET_", StringComparison.Ordinal) || environmentName.StartsWith("ASPNETCORE_", StringComparison.Ordinal);

    /// <summary>Section:List:entry is an entry of Section:List: (one more segment, not deeper).</summary>
    private static bool IsEntryOf(string key, string prefix) =>
        key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && key.Length > prefix.Length && !key[prefix.Length..].Contains(':');

    /// <summary>deploy/k8s: the base's documents with an overlay's ConfigMap patches merged in.</summary>
    private sealed class K8s
    {
        private readonly List<YamlMappingNode> documents;

        private K8s(List<YamlMappingNode> documents) => this.documents = documents;

        public static K8s Load(string? overlay)
        {
            var kustomization = Path.Combine(Root, "deploy/k8s/base/kustomization.yaml");
            var resources = ((YamlSequenceNode)Documents(kustomization).Single()["resources"]).Children.Select(Scalar).ToList();
            var documents = resources.SelectMany(r => Documents(Path.Combine(Root, "deploy/k8s/base", r))).ToList();
            if (overlay is not null)
            {
                var directory = Path.Combine(Root, "deploy/k8s/overlays", overlay);
                var overlayKustomization = Documents(Path.Combine(directory, "kustomization.yaml")).Single();
                Assert.Equal("../../base", Scalar(((YamlSequenceNode)overlayKustomization["resources"]).Children.Single()));
                foreach (var patch in ((YamlSequenceNode)overlayKustomization["patches"]).Children.Cast<YamlMappingNode>()
                    .SelectMany(p => Documents(Path.Combine(directory, Scalar(p["path"])))))
                {
                    Assert.Equal("ConfigMap", Scalar(patch["kind"]));
                    var target = documents.Single(d => Scalar(d["kind"]) == "ConfigMap" && Name(d) == Name(patch));
                    foreach (var (key, value) in Map(patch, "data").Children)
                    {
                        Map(target, "data").Children[key] = value;
                    }
                }
            }
            return new K8s(documents);
        }

        public static List<YamlMappingNode> Documents(string path)
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
        }

        private static string Name(YamlMappingNode document) => Scalar(Map(document, "metadata")["name"]);

        public YamlMappingNode Document(string kind, string name) => documents.Single(d => Scalar(d["kind"]) == kind && Name(d) == name);

        public YamlMappingNode PodSpec(string deployment) => Map(Map(Map(Document("Deployment", deployment), "spec"), "template"), "spec");

        public YamlMappingNode Container(string deployment) => (YamlMappingNode)((YamlSequenceNode)PodSpec(deployment)["containers"]).Children.Single();

        /// <summary>The container's environment: its ConfigMaps (envFrom) then its own env; a Secret value is "secret", the pod IP is <see cref="PodIp"/>.</summary>
        public Dictionary<string, string> Environment(string deployment)
        {
            var container = Container(deployment);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (TryGet(container, "envFrom", out var envFrom))
            {
                foreach (var source in ((YamlSequenceNode)envFrom).Children.Cast<YamlMappingNode>())
                {
                    var configMap = Document("ConfigMap", Scalar(Map(source, "configMapRef")["name"]));
                    foreach (var (key, value) in Map(configMap, "data").Children)
                    {
                        result[Scalar(key)] = Scalar(value);
                    }
                }
            }
            foreach (var variable in ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>())
            {
                result[Scalar(variable["name"])] = TryGet(variable, "value", out var value) ? Scalar(value)
                    : TryGet(Map(variable, "valueFrom"), "fieldRef", out var field) && Scalar(((YamlMappingNode)field)["fieldPath"]) == "status.podIP" ? PodIp
                    : SecretValue(Scalar(variable["name"]));
            }
            return result;
        }

        public IEnumerable<(string Secret, string Key)> SecretReferences() => documents.Where(d => Scalar(d["kind"]) == "Deployment")
            .SelectMany(d => ((YamlSequenceNode)Container(Name(d))["env"]).Children.Cast<YamlMappingNode>())
            .Where(v => TryGet(v, "valueFrom", out var from) && ((YamlMappingNode)from).Children.ContainsKey(new YamlScalarNode("secretKeyRef")))
            .Select(v => Map(Map(v, "valueFrom"), "secretKeyRef")).Select(r => (Scalar(r["name"]), Scalar(r["key"])));
    }

    /// <summary>A value of the right shape for a secret setting, so building a host from a manifest does not trip on it.</summary>
    private static string SecretValue(string name) => name switch
    {
        "Gateway__MasterKey" => Convert.ToBase64String(new byte[32]),
        "ConnectionStrings__Gateway" => "Server=db;Port=3306;User ID=u;Password=p;Database=paygw",
        _ => "secret",
    };

    /// <summary>deploy/container/compose.yaml, with YAML merge keys (&lt;&lt;) applied and ${VAR} left as secrets.</summary>
    private sealed class Compose
    {
        private readonly YamlMappingNode root;

        private Compose(YamlMappingNode root) => this.root = root;

        public static Compose Load() => new(K8s.Documents(Path.Combine(Root, "deploy/container/compose.yaml")).Single());

        public YamlMappingNode Service(string name) => Map(Map(root, "services"), name);

        public Dictionary<string, string> Environment(string service)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(Map(Service(service), "environment"), result);
            return result.ToDictionary(e => e.Key, e => e.Value.Contains("${", StringComparison.Ordinal) ? SecretValue(e.Key) : e.Value, StringComparer.Ordinal);
        }

        private static void Flatten(YamlMappingNode mapping, Dictionary<string, string> into)
        {
            foreach (var (key, value) in mapping.Children)
            {
                if (Scalar(key) == "<<")
                {
                    Flatten((YamlMappingNode)value, into);
                }
            }
            foreach (var (key, value) in mapping.Children.Where(e => Scalar(e.Key) != "<<"))
            {
                into[Scalar(key)] = Scalar(value);
            }
        }

        public string Address(string service) => Scalar(Map(Map(Service(service), "networks"), "paygw")["ipv4_address"]);

        public TimeSpan StopGracePeriod(string service)
        {
            var text = Scalar(Service(service)["stop_grace_period"]);
            Assert.EndsWith("s", text, StringComparison.Ordinal);
            return TimeSpan.FromSeconds(int.Parse(text[..^1]));
        }
    }

    /// <summary>deploy/container/{host}.Dockerfile, read line by line (no continuation lines are used).</summary>
    private sealed record Dockerfile(string Text, List<string> From, List<string> CopySources, List<int> Exposed, Dictionary<string, string> Env, List<string> EntryPoint, string? User)
    {
        public static Dockerfile Load(string host)
        {
            var text = File.ReadAllText(Path.Combine(Root, $"deploy/container/{host}.Dockerfile"));
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            Assert.DoesNotContain(lines, l => l.EndsWith('\\'));
            string[] Args(string instruction) => lines.Where(l => l.StartsWith(instruction + " ", StringComparison.Ordinal))
                .SelectMany(l => l[(instruction.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            var copies = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
                .SelectMany(l => l[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToList();
            var entry = lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
            return new Dockerfile(
                text,
                lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList(),
                copies,
                Args("EXPOSE").Select(int.Parse).ToList(),
                Args("ENV").ToDictionary(a => a[..a.IndexOf('=')], a => a[(a.IndexOf('=') + 1)..]),
                Regex.Matches(entry, "\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList(),
                lines.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal))?[5..]);
        }
    }
}
