package org.gunyah.vmm.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.jupiter.api.Test;

/** One provider per type; a refused candidate takes over when the bound one leaves. */
class FunctionRegistryTest {
    record P(int type, String name) implements FunctionProvider {
        @Override
        public ProviderInfo info() {
            return new ProviderInfo(name, 0, 0, name, "1");
        }

        @Override
        public VmFunction acquire() {
            return null;
        }

        @Override
        public void release() {}
    }

    final FunctionRegistry registry = new FunctionRegistry();

    @Test
    void theFirstProviderOfATypeIsBoundAndASecondIsRefused() {
        P first = new P(1, "first");
        P second = new P(1, "second");
        assertTrue(registry.add(first));
        assertFalse(registry.add(second));
        assertSame(first, registry.lookup(1).orElseThrow());
        assertEquals(List.of(second), registry.snapshot().get(1).refused());
    }

    @Test
    void whileAProviderLeavesItIsNotLiveAndCannotBeLookedUp() {
        P p = new P(2, "p");
        registry.add(p);
        List<String> seen = new ArrayList<>();
        registry.addListener(leaving -> {
            seen.add(leaving.info().name() + " live=" + registry.isLive(leaving) + " lookup="
                    + registry.lookup(2).isPresent());
        });
        registry.remove(p);
        assertEquals(List.of("p live=false lookup=false"), seen);
        assertEquals(Optional.empty(), registry.lookup(2));
    }

    @Test
    void theOldestCandidateTakesOverAfterTheListenersRan() {
        P bound = new P(3, "bound");
        P a = new P(3, "a");
        P b = new P(3, "b");
        registry.add(bound);
        registry.add(a);
        registry.add(b);
        registry.remove(bound);
        assertSame(a, registry.lookup(3).orElseThrow());
        assertEquals(List.of(b), registry.snapshot().get(3).refused());
    }

    @Test
    void removingARefusedCandidateTouchesNothingElse() {
        P bound = new P(4, "bound");
        P candidate = new P(4, "candidate");
        List<FunctionProvider> left = new ArrayList<>();
        registry.addListener(left::add);
        registry.add(bound);
        registry.add(candidate);
        registry.remove(candidate);
        assertEquals(List.of(), left);
        assertSame(bound, registry.lookup(4).orElseThrow());
        assertEquals(List.of(), registry.snapshot().get(4).refused());
    }

    @Test
    void providedListenersHearABoundProviderAndACandidateTakingOverButNotARefusal() {
        List<Integer> provided = new ArrayList<>();
        registry.addProvidedListener(provided::add);
        P bound = new P(5, "bound");
        registry.add(bound);
        registry.add(new P(5, "candidate"));
        registry.remove(bound);
        registry.remove(registry.lookup(5).orElseThrow());
        assertEquals(List.of(5, 5), provided);
    }

    @Test
    void aProvidedListenerRunsAfterTheBindingSoALookupFindsTheProvider() {
        P p = new P(6, "p");
        List<Boolean> found = new ArrayList<>();
        registry.addProvidedListener(type -> found.add(registry.lookup(type).orElse(null) == p));
        registry.add(p);
        assertEquals(List.of(true), found);
    }

    @Test
    void aRemovedProvidedListenerHearsNothing() {
        List<Integer> provided = new ArrayList<>();
        java.util.function.IntConsumer listener = provided::add;
        registry.addProvidedListener(listener);
        registry.removeProvidedListener(listener);
        registry.add(new P(7, "p"));
        assertEquals(List.of(), provided);
    }
}
