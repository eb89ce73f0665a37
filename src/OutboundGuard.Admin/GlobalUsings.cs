global using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
