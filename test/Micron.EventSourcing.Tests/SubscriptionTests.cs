using System.Net;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.EventSourcing.Tests;

public sealed class SubscriptionTests
{
    [Fact]
    public async Task LocalSubscriber_CatchesUpOnWhatItMissedWhileDown_InOrder_ExactlyOnce()
    {
        var dataDir = LedgerHost.NewDataDir();
        await using (var first = await LedgerHost.StartAsync(dataDir, m => m.AddEventSubscriber<LedgerAudit>()))
        {
            for (var i = 1; i <= 3; i++)
            {
                await first.Ledger.DepositAsync(new Deposit("ada", i));
            }

            var audit = first.Host.App.Services.GetRequiredService<LedgerAudit>();
            await Eventually.TrueAsync(() => audit.Checkpoint == 3, "the subscriber handling the first three events");
            audit.Seen.Select(e => e.Position).ShouldBe([1L, 2L, 3L]);
        }

        // The subscriber is down (not in this host) while four more events are appended.
        await using (var withoutAudit = await LedgerHost.StartAsync(dataDir))
        {
            for (var i = 4; i <= 7; i++)
            {
                await withoutAudit.Ledger.DepositAsync(new Deposit("bob", i));
            }
        }

        await using var back = await LedgerHost.StartAsync(dataDir, m => m.AddEventSubscriber<LedgerAudit>());
        var again = back.Host.App.Services.GetRequiredService<LedgerAudit>();
        await Eventually.TrueAsync(() => again.Checkpoint == 7, "the subscriber catching up after its restart");
        again.Seen.Select(e => e.Position).ShouldBe([4L, 5L, 6L, 7L]);

        // Then live.
        await back.Ledger.DepositAsync(new Deposit("cy", 1));
        await Eventually.TrueAsync(() => again.Checkpoint == 8, "the subscriber following live events");
        again.Seen.Select(e => e.Position).ShouldBe([4L, 5L, 6L, 7L, 8L]);
        System.Text.Encoding.UTF8.GetString(again.Seen.Last().Data.Span).ShouldBe("""{"account":"cy","amount":1}""");
    }

    [Fact]
    public async Task RemoteSubscriber_ReadsTheSignedFeedOfAnotherHost()
    {
        var secret = TestHost.NewSecret();
        string[] shared = ["--secret", secret, "--discovery", "local", "--heartbeat", "200ms"];
        await using var source = await LedgerHost.StartAsync(null, _ => { }, shared);
        await source.Ledger.DepositAsync(new Deposit("ada", 5));

        await using var subscriber = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<LedgerService>().AddInMemoryEventStore().AddEventSubscriber<LedgerAudit>(),
            ["--services", "none", .. shared]);
        var audit = subscriber.App.Services.GetRequiredService<LedgerAudit>();

        await Eventually.TrueAsync(() => audit.Checkpoint == 1, "the remote subscriber catching up", TimeSpan.FromSeconds(20));
        await source.Ledger.DepositAsync(new Deposit("bob", 6));
        await Eventually.TrueAsync(() => audit.Checkpoint == 2, "the remote subscriber following live", TimeSpan.FromSeconds(20));

        audit.Seen.Select(e => (e.Position, e.StreamId, e.EventType)).ShouldBe([(1L, "account-ada", "Deposited.v1"), (2L, "account-bob", "Deposited.v1")]);
        System.Text.Encoding.UTF8.GetString(audit.Seen.Last().Data.Span).ShouldBe("""{"account":"bob","amount":6}""");
    }

    [Fact]
    public async Task Feed_WithoutSignatureOrSecret_Is401()
    {
        await using var host = await LedgerHost.StartAsync();

        var response = await host.Client.GetAsync("/_micron/events/ledger");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Feed_WithTheSecret_ListsEventsAfterAPosition()
    {
        var secret = TestHost.NewSecret();
        await using var host = await LedgerHost.StartAsync(null, "--secret", secret);
        await host.Ledger.DepositAsync(new Deposit("ada", 1));
        await host.Ledger.DepositAsync(new Deposit("ada", 2));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/events/ledger?after=1");
        request.Headers.Authorization = new("Bearer", secret);
        var body = await (await host.Client.SendAsync(request)).Content.ReadAsStringAsync();

        body.ShouldStartWith("""{"events":[{"position":2,"stream":"account-ada","version":1,"id":""");
        body.ShouldContain(""","type":"Deposited.v1","data":{"account":"ada","amount":2},"timestamp":""");
        body.ShouldEndWith("""],"next":2,"head":2}""");
    }
}
