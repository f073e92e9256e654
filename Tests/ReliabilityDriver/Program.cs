using PayGateway.ReliabilityDriver;

// PayGateway.ReliabilityDriver <command> [--name value ...]
//   webhooks --urls http://127.0.0.1:PORT         a merchant webhook endpoint that records every delivery
//   load     --api URL --sim URL --app ID --secret S --webhooks URL --orders N --run ID --progress FILE --out FILE
//   check    --db CONNECTION --sim URL --webhooks URL --observations FILE --merchant M --account mock/ACC --run ID
//   reconcile --api URL --token OPERATOR_TOKEN --account mock/ACC --days yyyy-MM-dd[,yyyy-MM-dd…]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: PayGateway.ReliabilityDriver webhooks|load|check|reconcile [--name value ...]");
    return 2;
}
var options = Arguments.Parse(args[1..]);
return args[0] switch
{
    "webhooks" => await WebhookServer.RunAsync(args[1..]),
    "load" => await LoadDriver.RunAsync(options),
    "check" => await CheckCommand.RunAsync(options),
    "reconcile" => await ReconcileCommand.RunAsync(options),
    _ => 2,
};
