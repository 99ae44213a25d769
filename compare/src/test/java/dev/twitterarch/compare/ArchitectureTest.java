package dev.twitterarch.compare;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * compare measures the applications from outside, over HTTP and SQL, as any client would: it never
 * imports their code (DESIGN.md), so what it measures is the API, and Gatling's classpath carries
 * none of the steps' Spring Boot stack. Its simulations (src/test) are held to it too.
 */
@AnalyzeClasses(packages = "dev.twitterarch.compare")
class ArchitectureTest {

    @ArchTest
    static final ArchRule compareImportsNoApplicationCode = noClasses().that().resideInAPackage("dev.twitterarch.compare..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.twitterarch.common..", "dev.twitterarch.step*..");
}
