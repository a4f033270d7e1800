package th.go.gdc.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a real Apache Solr (embedded Jetty, from solr-test-framework) for the local CKAN stack.
 *
 * <p>Usage: DevSolr SOLR_HOME PORT. The Solr home holds solr.xml and the CKAN core; Jetty binds
 * 127.0.0.1 only. Runs until SIGTERM, then stops Solr cleanly (cores are closed, index flushed).
 */
public final class DevSolr {
  private DevSolr() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: DevSolr SOLR_HOME PORT");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("no solr.xml in " + home);
      System.exit(2);
    }
    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            .stopAtShutdown(false)
            .waitForLoadingCoresToFinish(120_000L)
            .build();
    JettySolrRunner solr = new JettySolrRunner(home.toString(), config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    solr.stop();
                    System.out.println("DevSolr stopped");
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                },
                "devsolr-shutdown"));
    solr.start();
    System.out.println("DevSolr ready at " + solr.getBaseUrl());
    Thread.currentThread().join();
  }
}
