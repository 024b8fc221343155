package org.gunyah.vmm.benchmarks.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns the lines the measures printed ({@code <name>: key=value ...}, one per measure, in
 * {@code results.txt}) into {@code report.md}, a table with each target and whether it was met,
 * and PNG plots drawn with XChart.
 *
 * <pre>Report &lt;results.txt&gt; &lt;output folder&gt; &lt;machine description&gt;</pre>
 */
public final class Report {
    /** A target: what it says, and the test of a measure's values. */
    record Target(String text, Predicate<Map<String, Double>> met) {}

    static final Map<String, Target> TARGETS = Map.ofEntries(
            Map.entry("boot", new Target("ratio <= 0.20", v -> v.get("ratio") <= 0.20)),
            Map.entry(
                    "hotload",
                    new Target("median <= 50 ms each", v -> v.get("deploy_ms") <= 50 && v.get("first_use_ms") <= 50)),
            Map.entry(
                    "fn_cycle",
                    new Target(
                            "ours >= the kernel's rate (ours: the framework's own work, on the emulated backend)",
                            v -> v.get("emulated") >= v.get("c"))),
            Map.entry(
                    "dispatch", new Target("grows no faster than log n", v -> v.get("growth") <= v.get("log_growth"))),
            Map.entry("scale", new Target("<= 64 KiB per idle VM", v -> v.get("heap_per_vm_kib") <= 64)),
            Map.entry("scale.kvm", new Target("<= 64 KiB per idle VM", v -> v.get("heap_per_vm_kib") <= 64)),
            Map.entry("kvm.mmio_exit", new Target("ratio <= 1.05", v -> v.get("ratio") <= 1.05)),
            Map.entry("kvm.ioeventfd", new Target("ratio <= 1.05", v -> v.get("ratio") <= 1.05)),
            Map.entry("kvm.irqfd", new Target("ratio <= 1.05", v -> v.get("ratio") <= 1.05)),
            Map.entry(
                    "emulated.corpus",
                    new Target("ratio <= 1.0 (qemu-aarch64's time / ours >= 1.0)", v -> v.get("ratio") <= 1.0)),
            Map.entry(
                    "linux.boot",
                    new Target(
                            "ratio <= 1.0, rss_extra <= 200 MiB",
                            v -> v.get("ratio") <= 1.0 && v.get("rss_extra_mib") <= 200)),
            Map.entry("virtio.replace", new Target("no failed I/O in the guest", v -> v.get("io_errors") == 0)));

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        String machine = args.length > 2 ? args[2] : "";
        Map<String, Map<String, String>> measures = parse(Files.readAllLines(results));
        StringBuilder md = new StringBuilder("# Performance report\n\n");
        md.append("Measured by `benchmarks/run.sh all` on ").append(machine).append(".\n\n");
        md.append("| measure | result | target | met |\n|---|---|---|---|\n");
        measures.forEach((name, values) -> {
            Target t = TARGETS.get(name);
            String met = "";
            if (t != null) {
                try {
                    met = t.met().test(numbers(values)) ? "yes" : "**no**";
                } catch (RuntimeException e) {
                    met = "?";
                }
            }
            md.append("| ")
                    .append(name)
                    .append(" | ")
                    .append(String.join(
                            " ",
                            values.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList()))
                    .append(" | ")
                    .append(t == null ? "" : t.text())
                    .append(" | ")
                    .append(met)
                    .append(" |\n");
        });
        md.append('\n');
        plot(measures, out, md);
        Files.writeString(out.resolve("report.md"), md);
        Files.writeString(out.resolve("readme-performance.md"), readmeTable(measures, machine));
        System.out.println("report: " + out.resolve("report.md"));
    }

    /** The table for the README's Performance section: one line per measure, its target and verdict. */
    static String readmeTable(Map<String, Map<String, String>> measures, String machine) {
        StringBuilder b = new StringBuilder("Measured with `benchmarks/run.sh all` on " + machine + ":\n\n");
        b.append("| measure | result | target | met |\n|---|---|---|---|\n");
        measures.forEach((name, values) -> {
            Target t = TARGETS.get(name);
            boolean met = false;
            try {
                met = t != null && t.met().test(numbers(values));
            } catch (RuntimeException e) {
                // a value is missing: not met
            }
            b.append("| `")
                    .append(name)
                    .append("` | ")
                    .append(String.join(
                            " ",
                            values.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList()))
                    .append(" | ")
                    .append(t == null ? "-" : t.text())
                    .append(" | ")
                    .append(t == null ? "-" : met ? "yes" : "**no**")
                    .append(" |\n");
        });
        return b.toString();
    }

    static Map<String, Map<String, String>> parse(List<String> lines) {
        Map<String, Map<String, String>> measures = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            if (colon < 0 || line.startsWith(" ")) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String pair : line.substring(colon + 2).trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            if (!values.isEmpty()) {
                measures.put(line.substring(0, colon), values);
            }
        }
        return measures;
    }

    static Map<String, Double> numbers(Map<String, String> values) {
        Map<String, Double> n = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            try {
                n.put(k, Double.parseDouble(v));
            } catch (NumberFormatException e) {
                // a word (a backend's name, a unit): not a number
            }
        });
        return n;
    }

    private static void plot(Map<String, Map<String, String>> measures, Path out, StringBuilder md) throws IOException {
        Map<String, String> dispatch = measures.get("dispatch");
        if (dispatch != null) {
            Map<String, Double> v = numbers(dispatch);
            XYChart chart = new XYChartBuilder()
                    .width(640)
                    .height(400)
                    .title("MMIO dispatch: one lookup among n IO handlers")
                    .xAxisTitle("IO handlers in the VM (log scale)")
                    .yAxisTitle("ns per dispatch")
                    .build();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            double[] n = {10, 1000, 100000};
            double[] ns = {v.get("h10"), v.get("h1000"), v.get("h100000")};
            chart.addSeries("measured", n, ns);
            double[] log = new double[3];
            for (int i = 0; i < 3; i++) {
                log[i] = ns[0] * Math.log(n[i]) / Math.log(n[0]);
            }
            chart.addSeries("log n, from the first point", n, log);
            save(chart, out, "dispatch", md);
        }
        List<String> kvm = List.of("kvm.mmio_exit", "kvm.ioeventfd", "kvm.irqfd");
        if (kvm.stream().allMatch(measures::containsKey)) {
            CategoryChart chart = new CategoryChartBuilder()
                    .width(640)
                    .height(400)
                    .title("KVM: the Java path against C on raw KVM")
                    .yAxisTitle("ns per operation")
                    .build();
            List<String> names = kvm.stream().map(k -> k.substring(4)).toList();
            chart.addSeries(
                    "Java (framework)",
                    names,
                    kvm.stream().map(k -> numbers(measures.get(k)).get("java")).toList());
            chart.addSeries(
                    "C (raw KVM)",
                    names,
                    kvm.stream().map(k -> numbers(measures.get(k)).get("c")).toList());
            save(chart, out, "kvm", md);
        }
        Map<String, String> boot = measures.get("boot");
        if (boot != null) {
            Map<String, Double> v = numbers(boot);
            CategoryChart chart = new CategoryChartBuilder()
                    .width(640)
                    .height(400)
                    .title("Start to a console that answers")
                    .yAxisTitle("seconds (median)")
                    .build();
            chart.addSeries(
                    "seconds",
                    List.of("Gunyah runtime", "Karaf minimal 4.4.8"),
                    List.of(v.get("ours_s"), v.get("karaf_s")));
            chart.getStyler().setLegendVisible(false);
            save(chart, out, "boot", md);
        }
        Map<String, String> cycle = measures.get("fn_cycle");
        Map<String, Double> v = cycle == null ? Map.of() : numbers(cycle);
        // A measure that failed leaves its value empty: the table shows that, the chart is left out.
        if (v.get("emulated") != null && v.get("kvm") != null && v.get("c") != null) {
            CategoryChart chart = new CategoryChartBuilder()
                    .width(640)
                    .height(400)
                    .title("ioeventfd add + remove")
                    .yAxisTitle("per second (log scale)")
                    .build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(1.0);
            chart.addSeries(
                    "per second",
                    List.of("framework, emulated", "framework, KVM", "C: KVM_IOEVENTFD"),
                    List.of(v.get("emulated"), v.get("kvm"), v.get("c")));
            chart.getStyler().setLegendVisible(false);
            save(chart, out, "fn_cycle", md);
        }
    }

    private static void save(
            org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path out, String name, StringBuilder md)
            throws IOException {
        BitmapEncoder.saveBitmap(chart, out.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        md.append("![").append(name).append("](").append(name).append(".png)\n\n");
    }
}
