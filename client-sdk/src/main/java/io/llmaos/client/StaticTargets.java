package io.llmaos.client;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.StatusOr;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Resolves to a fixed list of {@code host:port} targets, so one channel balances over several
 * servers ({@code round_robin}, with health checking) without a DNS name that lists them all.
 */
final class StaticTargets extends NameResolver.Factory {
    static final String SCHEME = "llmaos-static";
    private final List<EquivalentAddressGroup> addresses;

    StaticTargets(List<String> targets) {
        this.addresses = targets.stream()
                .map(StaticTargets::address)
                .map(EquivalentAddressGroup::new)
                .toList();
    }

    static InetSocketAddress address(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("a target is host:port, not '" + target + "'");
        }
        String host = target.substring(0, colon).replace("[", "").replace("]", "");
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(target.substring(colon + 1)));
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        return new NameResolver() {
            @Override
            public String getServiceAuthority() {
                return "llmaos";
            }

            @Override
            public void start(Listener2 listener) {
                listener.onResult(ResolutionResult.newBuilder()
                        .setAddressesOrError(StatusOr.fromValue(resolved()))
                        .build());
            }

            @Override
            public void shutdown() {
                // nothing held
            }
        };
    }

    private List<EquivalentAddressGroup> resolved() {
        return addresses.stream()
                .map(g -> {
                    InetSocketAddress a = (InetSocketAddress) g.getAddresses().get(0);
                    return new EquivalentAddressGroup(new InetSocketAddress(a.getHostString(), a.getPort()));
                })
                .toList();
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }
}
