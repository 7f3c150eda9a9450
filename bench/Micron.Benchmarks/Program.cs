System.Console.WriteLine(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute));
